#include "base/base_image.hpp"
#include <lading/error.hpp>
#include <lading/plugin/store.hpp>
#include <lading/oci/reference.hpp>
#include "registry/reader.hpp"
#include "export/image_names.hpp"
#include "store/copy_blob.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <filesystem>

namespace lading {

namespace {

constexpr std::size_t json_limit = 4 << 20;

boost::json::object parse_object(const std::string& bytes, const std::string& what)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) throw error(what + " is not a JSON object");
    return v.as_object();
}

// The bytes a descriptor leads to must be the ones it names: size and digest both.
void check_content(const std::string& bytes, const descriptor& d, const std::string& what)
{
    if (bytes.size() != d.size)
        throw error(what + " " + d.digest.str() + " has " + std::to_string(bytes.size()) + " bytes, but its descriptor says " +
                    std::to_string(d.size));
    if (auto got = digest::of(bytes); got != d.digest)
        throw error(what + " " + d.digest.str() + " does not match its digest (its bytes hash to " + got.str() + ")");
}

// Manifests and configs of one base, each read once: picking among index entries without a
// platform reads their documents, and the one picked is not read again. A kept document is
// checked against every descriptor that names it, as the same digest may come with another size.
class document_memo {
public:
    const std::string& get(const descriptor& d, const std::string& what, const std::function<std::string()>& read)
    {
        auto it = kept_.find(d.digest);
        if (it == kept_.end()) it = kept_.emplace(d.digest, read()).first;
        check_content(it->second, d, what);
        return it->second;
    }

private:
    std::map<digest, std::string> kept_;
};

std::string read_small(plugin::store& source, const descriptor& d, const std::string& what)
{
    if (d.size > json_limit) throw error(what + " " + d.digest.str() + " is larger than 4 MiB");
    return source.read_small_blob(d.digest, json_limit);
}

// A base layer read where it lies; at its end, its size and digest are checked.
class checked_blob_source : public byte_source {
public:
    checked_blob_source(std::unique_ptr<byte_source> inner, descriptor d, std::string what)
        : inner_(std::move(inner)), d_(std::move(d)), what_(std::move(what))
    {
    }
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = inner_->read(buf);
        seen_ += n;
        if (seen_ > d_.size) throw error(what_ + " is larger than its descriptor says");
        hash_.update(std::span<const std::uint8_t>(buf.data(), n));
        if (n == 0 && !checked_) {
            checked_ = true;
            if (seen_ != d_.size || hash_.finish() != d_.digest)
                throw error(what_ + " does not match its digest or size");
        }
        return n;
    }

private:
    std::unique_ptr<byte_source> inner_;
    descriptor d_;
    std::string what_;
    sha256_hasher hash_;
    std::uint64_t seen_ = 0;
    bool checked_ = false;
};

bool is_index(const boost::json::object& doc)
{
    return doc.contains("manifests");
}

descriptor config_descriptor(const boost::json::object& manifest, const std::string& what)
{
    auto* config = manifest.if_contains("config");
    if (!config) throw error(what + " is neither an image manifest nor an index");
    return descriptor::from_json(*config);
}

// The platform a config states, for an index entry that states none.
platform platform_stated(const std::string& config_bytes, const std::string& what)
{
    return platform::from_json(parse_object(config_bytes, "config of " + what), "config of " + what).normalized();
}

// Fills layers, config, diff_ids and platform from a manifest document and its config, and
// the index entry that led to it, if any.
void read_image(base_image& base, const boost::json::object& manifest, const std::string& config_bytes,
                const std::string& what, const std::optional<descriptor>& index_entry)
{
    if (auto* l = manifest.if_contains("layers"); l && l->is_array())
        for (const auto& d : l->as_array()) base.layers.push_back(descriptor::from_json(d));
    base.config = parse_object(config_bytes, "config of " + what);
    auto* rootfs = base.config.if_contains("rootfs");
    if (!rootfs || !rootfs->is_object()) throw error("config of " + what + " has no rootfs");
    if (auto* ids = rootfs->as_object().if_contains("diff_ids"); ids && ids->is_array())
        for (const auto& d : ids->as_array())
            base.diff_ids.push_back(digest::parse_or_throw(d.is_string() ? d.get_string().c_str() : "", "diff_id of " + what));
    if (base.diff_ids.size() != base.layers.size())
        throw error(what + " has " + std::to_string(base.layers.size()) + " layers but " +
                    std::to_string(base.diff_ids.size()) + " diff_ids");
    auto stated = platform::from_json(base.config, "config of " + what);
    if (index_entry && index_entry->platform) {
        if (stated.os_version.empty()) stated.os_version = index_entry->platform->os_version;
        if (stated.os_features.empty()) stated.os_features = index_entry->platform->os_features;
    }
    base.platform = stated.normalized();
    if (base.platform.os.empty() || base.platform.architecture.empty())
        throw error("config of " + what + " has no os or architecture");
}

// A base image stored under a name (or by digest) in a store opened for reading only.
base_image from_store(const std::string& spec, std::shared_ptr<plugin::store> source, const std::string& ref,
                      const std::vector<std::string>& name_forms, const platform& wanted, const std::string& where)
{
    std::optional<descriptor> root;
    if (auto d = digest::parse(ref)) {
        if (auto size = source->blob_size(*d)) root = descriptor{"", *d, *size, {}, std::nullopt, {}};
    } else {
        const auto listing = source->list_names();
        auto wanted = [&](const std::string& n) { return std::find(name_forms.begin(), name_forms.end(), n) != name_forms.end(); };
        for (const auto& n : listing.names)
            if (wanted(n.name)) root = n.descriptor;
        if (!root)
            if (auto* bad = listing.unreadable_as(wanted)) throw error("--from " + spec + ": in " + where + ", " + bad->describe());
    }
    if (!root) throw error("--from " + spec + ": no image \"" + ref + "\" in " + where);

    base_image base;
    base.reference = spec;
    base.manifest_digest = root->digest;
    document_memo documents;
    auto read_document = [&](const descriptor& d, const char* kind) -> const std::string& {
        const auto what = "--from " + spec + ": " + kind;
        return documents.get(d, what, [&] { return read_small(*source, d, what); });
    };
    auto doc = parse_object(read_document(*root, "manifest"), spec);
    std::optional<descriptor> chosen;
    if (is_index(doc)) {
        auto platform_in_config = [&](const descriptor& entry) {
            auto manifest = parse_object(read_document(entry, "manifest"), spec);
            return platform_stated(read_document(config_descriptor(manifest, spec), "config"), spec);
        };
        chosen = pick_platform(doc, wanted, spec, platform_in_config);
        doc = parse_object(read_document(*chosen, "manifest"), spec);
        base.manifest_digest = chosen->digest;
    }
    read_image(base, doc, read_document(config_descriptor(doc, spec), "config"), spec, chosen);
    base.copy_blob = [source](const descriptor& d, plugin::store& to) { lading::copy_blob(*source, d, to, "the base image"); };
    base.open_local_blob = [source, layers = base.layers](const digest& d) -> std::unique_ptr<byte_source> {
        for (const auto& layer : layers)
            if (layer.digest == d)
                return std::make_unique<checked_blob_source>(source->open_blob(d), layer, "base layer " + d.str());
        throw error("blob " + d.str() + " is not a layer of the base image");
    };
    return base;
}

base_image from_layout(const std::string& spec, const platform& wanted, plugin::catalog& plugins)
{
    std::string rest = spec.substr(std::string("oci-layout://").size());
    std::string dir, ref;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        dir = rest.substr(0, at);
        ref = rest.substr(at + 1);
    } else {
        auto slash = rest.rfind('/');
        auto colon = rest.find(':', slash == std::string::npos ? 0 : slash);
        if (colon == std::string::npos) throw usage_error("--from " + spec + ": expected oci-layout://DIR:TAG or oci-layout://DIR@DIGEST");
        dir = rest.substr(0, colon);
        ref = rest.substr(colon + 1);
    }
    if (!std::filesystem::exists(std::filesystem::path(dir) / "index.json"))
        throw error("--from " + spec + ": " + dir + " is not an OCI image layout (no index.json)");
    // A base layout is only read: nothing is created, cleaned or written in it.
    auto source = std::make_shared<plugin::store>(plugins.get(LADING_KIND_STORE, "oci-layout"), dir,
                                                  plugin::open_mode::read_only);
    return from_store(spec, source, ref, {ref}, wanted, dir);
}

// containerd://NAME or containerd://sha256:...: an image of containerd's store, which keeps
// names in their normalised form.
base_image from_containerd(const std::string& spec, const platform& wanted, plugin::catalog& plugins,
                           const std::string& address)
{
    std::string ref = spec.substr(std::string("containerd://").size());
    if (ref.empty()) throw usage_error("--from " + spec + ": expected containerd://NAME or containerd://sha256:DIGEST");
    auto source = std::make_shared<plugin::store>(plugins.get(LADING_KIND_STORE, "containerd"), address,
                                                  plugin::open_mode::read_only);
    std::vector<std::string> forms{ref};
    if (!digest::parse(ref)) forms.push_back(normalized_name(ref));
    return from_store(spec, source, ref, forms, wanted, "containerd");
}

base_image from_registry(const std::string& text, const platform& wanted, const host_config& hosts)
{
    auto ref = parse_reference(text);
    const auto reference = !ref.digest.empty() ? ref.digest : (ref.tag.empty() ? "latest" : ref.tag);
    std::shared_ptr<registry::reader> reader;
    registry::fetched_manifest m;
    std::string mirrors_failed;  // why each mirror was passed over, for the registry's error
    if (const auto* settings = hosts.registry(ref.domain))
        for (const auto& mirror : settings->mirrors) {
            try {
                auto candidate = std::make_shared<registry::reader>(mirror.host, mirror.repository_for(ref.repository),
                                                                    registry::options_for(mirror.host, &hosts, false));
                m = candidate->manifest(reference);
                reader = candidate;
                break;
            } catch (const std::exception& e) {
                // A mirror that lacks the image or is down is skipped; the registry itself is next.
                mirrors_failed += "; mirror " + mirror.written + ": " + e.what();
            }
        }
    if (!reader) {
        reader = std::make_shared<registry::reader>(ref.domain, ref.repository,
                                                    registry::options_for(ref.domain, &hosts, false));
        try {
            m = reader->manifest(reference);
        } catch (const error& e) {
            if (mirrors_failed.empty()) throw;
            throw error(e.code(), e.what() + mirrors_failed);
        }
    }
    auto doc = parse_object(m.bytes, text);
    std::optional<descriptor> chosen;
    document_memo documents;
    auto fetch_manifest = [&](const descriptor& entry) -> const std::string& {
        return documents.get(entry, text + ": manifest", [&] { return reader->manifest(entry.digest.str()).bytes; });
    };
    auto fetch_config = [&](const boost::json::object& manifest) -> const std::string& {
        auto config_desc = config_descriptor(manifest, text);
        return documents.get(config_desc, text + ": config", [&] {
            if (config_desc.size > json_limit) throw error("config of " + text + " is larger than 4 MiB");
            std::string bytes;
            reader->blob(config_desc,
                         [&](const std::uint8_t* p, std::size_t n) { bytes.append(reinterpret_cast<const char*>(p), n); });
            return bytes;
        });
    };
    auto manifest_digest = m.digest;
    if (is_index(doc)) {
        auto platform_in_config = [&](const descriptor& entry) {
            return platform_stated(fetch_config(parse_object(fetch_manifest(entry), text)), text);
        };
        chosen = pick_platform(doc, wanted, text, platform_in_config);
        doc = parse_object(fetch_manifest(*chosen), text);
        manifest_digest = chosen->digest;
    }
    const auto& config_bytes = fetch_config(doc);

    base_image base;
    base.reference = text;
    base.manifest_digest = manifest_digest;
    read_image(base, doc, config_bytes, text, chosen);
    base.registry_host = ref.domain;
    base.repository = ref.repository;
    base.copy_blob = [reader, host = ref.domain, repository = ref.repository](const descriptor& d, plugin::store& to) {
        if (!to.blob_size(d.digest)) {
            auto w = to.begin_blob();
            reader->blob(d, [&](const std::uint8_t* p, std::size_t n) { w->write(std::span(p, n)); });
            w->commit(d.digest);
        }
        to.note_source(d.digest, host, repository);
    };
    return base;
}

}  // namespace

std::optional<base_image> resolve_base_image(const std::string& from, const platform& wanted,
                                             plugin::catalog& plugins, const host_config& hosts,
                                             const std::string& daemon_store_address)
{
    if (from.empty() || from == "scratch") return std::nullopt;
    if (from.starts_with("oci-layout://")) return from_layout(from, wanted, plugins);
    if (from.starts_with("containerd://")) return from_containerd(from, wanted, plugins, daemon_store_address);
    if (from.find("://") != std::string::npos)
        throw usage_error("--from " + from + ": use scratch, oci-layout://DIR:TAG, oci-layout://DIR@DIGEST, "
                          "containerd://NAME or a registry reference");
    return from_registry(from, wanted, hosts);
}

}  // namespace lading
