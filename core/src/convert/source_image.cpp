#include "convert/source_image.hpp"

#include "attestation/attestation_manifest.hpp"
#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>
#include <lading/plugin/store.hpp>

#include <boost/json/parse.hpp>

#include <string_view>

namespace lading::convert {

namespace {

constexpr std::size_t max_document = 4u << 20;
constexpr int max_index_depth = 4;
constexpr std::size_t max_documents = 10000;
constexpr std::uint64_t max_document_bytes = 64u << 20;

// What one conversion reads at most. An index may list one manifest many times (one
// manifest for two platforms); each listing is read and kept on its own, so a few MiB of
// index listing a large manifest thousands of times must end in an error, not in all the
// memory there is.
struct reading_budget {
    std::uint64_t bytes_left = max_document_bytes;
    std::size_t documents_left = max_documents;

    void take(const std::string& bytes, const digest& d)
    {
        if (documents_left == 0 || bytes.size() > bytes_left)
            throw error("the image is too large to convert: more than " + std::to_string(max_documents) +
                        " documents or " + std::to_string(max_document_bytes >> 20) +
                        " MiB of manifests and configs (at " + d.str() + ")");
        --documents_left;
        bytes_left -= bytes.size();
    }
};

struct stored_document {
    boost::json::object object;
    std::uint64_t size = 0;  // of the bytes as stored
};

// The document `d` names, checked against its digest: what a variant is made of is what the
// source's digests say, whatever the store holds.
stored_document read_object(plugin::store& store, const digest& d, const std::string& what, reading_budget& budget)
{
    if (!store.blob_size(d)) throw error(what + " " + d.str() + " is not in the store " + store.location());
    const auto bytes = store.read_small_blob(d, max_document);
    if (digest::of(bytes) != d)
        throw error(what + " " + d.str() + " in the store " + store.location() + " does not match its digest");
    budget.take(bytes, d);
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) throw error(what + " " + d.str() + " in the store is not a JSON object");
    return {std::move(v.as_object()), bytes.size()};
}

// The document's own mediaType wins over the descriptor's; an OCI document may leave it out,
// and then what it holds tells.
std::string media_type_of(const boost::json::object& document, const descriptor& self)
{
    if (auto* t = document.if_contains("mediaType"); t && t->is_string()) return std::string(t->get_string());
    if (!self.media_type.empty()) return self.media_type;
    if (document.contains("manifests")) return std::string(media_types::oci_index);
    if (document.contains("layers")) return std::string(media_types::oci_manifest);
    return {};
}

bool is_attestation(const descriptor& entry)
{
    auto it = entry.annotations.find(std::string(attestation::reference_type_annotation));
    return it != entry.annotations.end() && it->second == attestation::attestation_reference_type;
}

void read_manifest(plugin::store& store, source_node& node, reading_budget& budget)
{
    const auto what = "manifest " + node.self.digest.str();
    auto* layers = node.document.if_contains("layers");
    auto* config = node.document.if_contains("config");
    if (!layers || !layers->is_array() || !config || !config->is_object())
        throw error(what + " has no layers or no config");
    node.config_entry = config->get_object();
    const auto config_descriptor = descriptor::from_json(*config);
    auto config_document = read_object(store, config_descriptor.digest, "image config", budget);
    node.config = std::move(config_document.object);
    if (const auto size = config_document.size; size != config_descriptor.size)
        throw error("the image config of " + what + " is " + std::to_string(size) + " bytes, not " +
                    std::to_string(config_descriptor.size) + " as the manifest says");

    const boost::json::array* diff_ids = nullptr;
    if (auto* rootfs = node.config.if_contains("rootfs"); rootfs && rootfs->is_object())
        if (auto* ids = rootfs->get_object().if_contains("diff_ids"); ids && ids->is_array()) diff_ids = &ids->get_array();
    const auto& list = layers->get_array();
    if (!diff_ids || diff_ids->size() != list.size())
        throw error("the image config of " + what + " lists " + std::to_string(diff_ids ? diff_ids->size() : 0) +
                    " diffIDs for its " + std::to_string(list.size()) + " layers");
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_object()) throw error(what + " has a layer that is not a descriptor");
        const auto& id = (*diff_ids)[i];
        node.layers.push_back({list[i].get_object(), descriptor::from_json(list[i]),
                               digest::parse_or_throw(id.is_string() ? std::string_view(id.get_string()) : "",
                                                      "diffID " + std::to_string(i + 1) + " of " + what)});
    }
}

source_node read_node(plugin::store& store, const descriptor& self, boost::json::object entry, int depth,
                      reading_budget& budget)
{
    auto document = read_object(store, self.digest, "image", budget);
    source_node node{self, std::move(entry), std::move(document.object), false, {}, {}, {}, {}};
    const auto type = media_type_of(node.document, self);
    // The subject a variant names is the document as it is stored.
    const auto size = document.size;
    if (self.size != 0 && self.size != size)
        throw error(self.digest.str() + " is " + std::to_string(size) + " bytes in the store, not " +
                    std::to_string(self.size) + " as its descriptor says");
    node.self = descriptor{type, self.digest, size, {}, std::nullopt, {}};
    if (media_types::is_image_manifest(type)) {
        read_manifest(store, node, budget);
        return node;
    }
    if (!media_types::is_index(type))
        throw error(self.digest.str() + " is a " + (type.empty() ? "document without a media type" : type) +
                    ", not an image manifest or index that lading can convert");
    if (depth >= max_index_depth) throw error("index " + self.digest.str() + " nests indexes too deeply");
    node.is_index = true;
    auto* manifests = node.document.if_contains("manifests");
    if (!manifests || !manifests->is_array()) throw error("index " + self.digest.str() + " has no manifests list");
    for (const auto& e : manifests->get_array()) {
        auto child = descriptor::from_json(e);
        if (is_attestation(child)) continue;
        node.children.push_back(read_node(store, child, e.get_object(), depth + 1, budget));
    }
    if (node.children.empty()) throw error("index " + self.digest.str() + " lists no image to convert");
    return node;
}

}  // namespace

source_node read_source_image(plugin::store& store, const descriptor& root)
{
    reading_budget budget;
    return read_node(store, root, root.to_json(), 0, budget);
}

}  // namespace lading::convert
