#include "mirror/variant_tags.hpp"

#include "convert/image_variant.hpp"

#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>

namespace lading::mirror {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Nested indexes, as deep as a conversion takes them.
constexpr int max_index_depth = 4;

std::string record_key(const digest& original, const std::string& compression)
{
    return "mirror/variants/sha256/" + std::string(original.hex()) + "/" + compression;
}

std::vector<descriptor> referenced(const std::string& bytes)
{
    std::vector<descriptor> out;
    auto doc = json::parse(bytes);
    const auto& o = doc.as_object();
    if (auto* c = o.if_contains("config")) out.push_back(descriptor::from_json(*c));
    for (const char* list : {"layers", "manifests"})
        if (auto* l = o.if_contains(list); l && l->is_array())
            for (const auto& v : l->as_array()) out.push_back(descriptor::from_json(v));
    return out;
}

// What a referrers index gives as a manifest's artifactType: its own, else its config's media type.
std::optional<json::value> artifact_type_of(const json::object& manifest)
{
    if (auto* type = manifest.if_contains("artifactType"); type && type->is_string()) return *type;
    if (auto* config = manifest.if_contains("config"); config && config->is_object())
        if (auto* type = config->as_object().if_contains("mediaType"); type && type->is_string()) return *type;
    return std::nullopt;
}

}  // namespace

variant_config parse_variant_option(const std::string& text)
{
    auto colon = text.find(':');
    variant_config v{text.substr(0, colon), ""};
    v.suffix = colon == std::string::npos ? "-" + v.compression : text.substr(colon + 1);
    if (v.compression.empty()) throw usage_error("--variant needs a compression: --variant zstd[:SUFFIX]");
    if (v.suffix.empty()) throw usage_error("--variant " + text + ": the tag suffix is empty");
    for (char c : v.suffix)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            throw usage_error("--variant " + text + ": a tag suffix holds letters, digits, '-', '_' and '.' only");
    return v;
}

variant_tags::variant_tags(std::vector<variant_config> variants, plugin::store& cache, plugin::catalog& plugins,
                           blob_cache& blobs, manifest_cache& manifests, asio::any_io_executor ex)
    : variants_(std::move(variants)), cache_(cache), plugins_(plugins), blobs_(blobs), manifests_(manifests),
      ex_(std::move(ex))
{
}

variant_tags::~variant_tags()
{
    stopping_.request_stop();
    converter_.join();
}

std::optional<variant_ask> variant_tags::parse(const std::string& tag) const
{
    for (const auto& v : variants_)
        if (tag.size() > v.suffix.size() && tag.ends_with(v.suffix))
            return variant_ask{tag.substr(0, tag.size() - v.suffix.size()), &v};
    return std::nullopt;
}

// Every blob the original reaches, in the cache and complete (children of an index too).
asio::awaitable<void> variant_tags::fetch_all_blobs(upstream& from, const std::string& repository,
                                                    const served_manifest& m, std::set<digest>& fetched, int depth)
{
    for (const auto& d : referenced(m.bytes)) {
        if (!fetched.insert(d.digest).second) continue;
        if (media_types::is_index(m.media_type) || d.media_type.find("manifest") != std::string::npos) {
            if (depth >= max_index_depth) throw error("index " + m.digest.str() + " nests indexes too deeply");
            auto child = co_await manifests_.get(from, repository, d.digest.str());
            co_await fetch_all_blobs(from, repository, child, fetched, depth + 1);
            continue;
        }
        auto handle = co_await blobs_.open(from, repository, d.digest);
        // Waiting past the last byte returns once the download is committed; a failure throws.
        if (handle.fill) co_await handle.fill->wait_for(handle.fill->size());
    }
}

asio::awaitable<served_manifest> variant_tags::convert(const served_manifest& original, const variant_config& v)
{
    descriptor root;
    root.media_type = original.media_type;
    root.digest = original.digest;
    root.size = original.bytes.size();
    auto location = cache_.location();
    const auto& plugin = plugins_.get(LADING_KIND_STORE, cache_.backend());
    auto request = convert::variant_request{v.compression, std::nullopt};
    auto made = co_await asio::co_spawn(
        converter_,
        [&]() -> asio::awaitable<descriptor> {
            // Its own handle on the cache: the strand keeps using the other one meanwhile.
            plugin::store store(plugin, location);
            co_return convert::make_variant(store, plugins_, root, request, stopping_.get_token());
        },
        asio::use_awaitable);
    auto m = manifests_.cached(made.digest);
    if (!m) throw error("the " + v.compression + " variant of " + original.digest.str() + " is not in the cache");
    m->media_type = made.media_type.empty() ? m->media_type : made.media_type;
    manifests_.keep(*m);
    cache_.put_metadata(record_key(original.digest, v.compression), made.digest.str());
    co_return *m;
}

bool variant_tags::complete(const served_manifest& variant)
{
    std::set<digest> checked;
    return complete(variant, checked);
}

bool variant_tags::complete(const served_manifest& variant, std::set<digest>& checked)
{
    for (const auto& d : referenced(variant.bytes)) {
        if (!checked.insert(d.digest).second) continue;
        if (media_types::is_index(variant.media_type)) {
            auto child = manifests_.cached(d.digest);
            if (!child || !complete(*child, checked)) return false;
        } else if (!cache_.blob_size(d.digest)) {
            return false;
        }
    }
    return true;
}

std::vector<json::object> variant_tags::referrers_of(const digest& original)
{
    std::vector<json::object> out;
    for (const auto& v : variants_) {
        auto made = cache_.get_metadata(record_key(original, v.compression));
        auto d = made ? digest::parse(*made) : std::nullopt;
        auto m = d ? manifests_.cached(*d) : std::nullopt;
        if (!m || !complete(*m)) continue;
        const json::value listed_digest(m->digest.str());
        if (std::any_of(out.begin(), out.end(), [&](const json::object& o) { return o.at("digest") == listed_digest; }))
            continue;  // two suffixes for one compression
        json::object entry{{"mediaType", m->media_type}, {"digest", m->digest.str()}, {"size", m->bytes.size()}};
        const auto doc = json::parse(m->bytes).as_object();
        if (auto type = artifact_type_of(doc)) entry["artifactType"] = *type;
        if (auto* annotations = doc.if_contains("annotations"); annotations && annotations->is_object())
            entry["annotations"] = *annotations;
        out.push_back(std::move(entry));
    }
    return out;
}

asio::awaitable<served_manifest> variant_tags::get(upstream& from, const std::string& repository, variant_ask ask)
{
    const auto& v = *ask.variant;
    auto original = co_await manifests_.get(from, repository, ask.original_tag);
    const auto key = record_key(original.digest, v.compression);
    for (;;) {
        if (auto made = cache_.get_metadata(key))
            if (auto d = digest::parse(*made))
                if (auto m = manifests_.cached(*d); m && complete(*m)) {
                    manifests_.vouch(from, repository, *m);
                    co_return *m;
                }
        auto busy = converting_.find(key);
        if (busy == converting_.end()) break;
        auto done = busy->second;
        co_await done->wait();
        if (!converting_.count(key) && !cache_.get_metadata(key)) throw error("the " + v.compression + " conversion failed");
    }
    auto done = std::make_shared<wake_signal>(ex_);
    converting_[key] = done;
    std::exception_ptr failure;
    std::optional<served_manifest> result;
    try {
        std::set<digest> fetched;
        co_await fetch_all_blobs(from, repository, original, fetched, 0);
        result = co_await convert(original, v);
    } catch (...) {
        failure = std::current_exception();
    }
    converting_.erase(key);
    done->notify_all();
    if (failure) std::rethrow_exception(failure);
    manifests_.vouch(from, repository, *result);
    co_return *result;
}

}  // namespace lading::mirror
