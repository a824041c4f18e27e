#include "convert/variant_documents.hpp"

#include "export/blob_sink.hpp"

#include <lading/oci/media_types.hpp>
#include <lading/plugin/store.hpp>

namespace lading::convert {

namespace {

class document_writer {
public:
    document_writer(plugin::store& store, const plugin::media_types& oci,
                    const std::map<digest, layer::converted_layer>& converted)
        : sink_({&store}), oci_(oci), converted_(converted)
    {
    }

    descriptor write(const source_node& node) { return node.is_index ? write_index(node) : write_manifest(node); }

private:
    // The document's entry as its source listed it, now naming `written`.
    static boost::json::object retyped(boost::json::object entry, const descriptor& written)
    {
        entry["mediaType"] = written.media_type;
        entry["digest"] = written.digest.str();
        entry["size"] = written.size;
        return entry;
    }

    static boost::json::object subject_of(const source_node& node)
    {
        return descriptor{node.self.media_type, node.self.digest, node.self.size, {}, std::nullopt, {}}.to_json();
    }

    descriptor put(const std::string& media_type, const boost::json::object& document)
    {
        auto blob = make_json_blob(media_type, document);
        sink_.put(blob.descriptor.digest, blob.bytes);
        return blob.descriptor;
    }

    // A converted layer gets a fresh descriptor (its annotations are the compressor's, as
    // force-compression writes them); a kept one keeps its entry under its OCI media type.
    boost::json::object layer_entry(const source_layer& l, digest& diff_id) const
    {
        if (auto it = converted_.find(l.blob.digest); it != converted_.end()) {
            const auto& c = it->second;
            diff_id = c.diff_id;
            return descriptor{oci_.of(LADING_OBJECT_LAYER, c.media_suffix), c.blob, c.size, c.annotations, std::nullopt, {}}
                .to_json();
        }
        diff_id = l.diff_id;
        auto entry = l.entry;
        entry["mediaType"] = oci_.of(LADING_OBJECT_LAYER, oci_.base_layer_suffix(l.blob));
        return entry;
    }

    // The source's config, or a copy listing the new diffIDs when a layer's changed.
    boost::json::object config_entry(const source_node& node, const boost::json::array& diff_ids)
    {
        const auto& old_ids = node.config.at("rootfs").at("diff_ids").get_array();
        if (old_ids != diff_ids) {
            auto config = node.config;
            config["rootfs"].as_object()["diff_ids"] = diff_ids;
            return retyped(node.config_entry, put(oci_.of(LADING_OBJECT_CONFIG), config));
        }
        auto entry = node.config_entry;
        if (auto* t = entry.if_contains("mediaType"); t && t->is_string() && t->get_string() == media_types::docker_config)
            entry["mediaType"] = oci_.of(LADING_OBJECT_CONFIG);
        return entry;
    }

    descriptor write_manifest(const source_node& node)
    {
        boost::json::array layers, diff_ids;
        for (const auto& l : node.layers) {
            digest id;
            layers.push_back(layer_entry(l, id));
            diff_ids.emplace_back(id.str());
        }
        auto manifest = node.document;
        const auto type = oci_.of(LADING_OBJECT_MANIFEST);
        manifest["mediaType"] = type;
        manifest["config"] = config_entry(node, diff_ids);
        manifest["layers"] = std::move(layers);
        manifest["subject"] = subject_of(node);
        return put(type, manifest);
    }

    descriptor write_index(const source_node& node)
    {
        boost::json::array manifests;
        for (const auto& child : node.children) manifests.push_back(retyped(child.entry, write(child)));
        auto index = node.document;
        const auto type = oci_.of(LADING_OBJECT_INDEX);
        index["mediaType"] = type;
        index["manifests"] = std::move(manifests);
        index["subject"] = subject_of(node);
        return put(type, index);
    }

    blob_sink sink_;
    const plugin::media_types& oci_;
    const std::map<digest, layer::converted_layer>& converted_;
};

}  // namespace

descriptor write_variant_documents(plugin::store& store, const plugin::media_types& oci, const source_node& source,
                                   const std::map<digest, layer::converted_layer>& converted)
{
    return document_writer(store, oci, converted).write(source);
}

}  // namespace lading::convert
