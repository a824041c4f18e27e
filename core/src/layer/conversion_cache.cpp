#include <lading/oci/canonical_json.hpp>
#include <lading/error.hpp>
#include "layer/conversion_cache.hpp"
#include <lading/plugin/store.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace lading::layer {

namespace {

// "conversions/sha256/<source hex>/<compression>/<level>" (the oci-layout store keeps it in
// <store>/conversions/sha256/<source hex>/<compression>/<level>.json); empty when the
// compressor's name could not be part of a key. Records of earlier versions, keyed without
// the level, are never found: the layer is converted again at the level asked for.
std::string record_key(const digest& source, const std::string& compression, int level)
{
    const bool plain = !compression.empty() && compression[0] != '.' &&
                       std::all_of(compression.begin(), compression.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                       });
    if (!plain) return {};
    return conversion_record_prefix + std::string("sha256/") + std::string(source.hex()) + "/" + compression + "/" +
           std::to_string(level);
}

// A record that cannot be read only costs a conversion, as a missing one does.
std::optional<std::string> read_record(plugin::store& store, const std::string& key)
{
    try {
        return store.get_metadata(key);
    } catch (const error&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<converted_layer> find_conversion(plugin::store& store, const digest& source,
                                               const std::string& compression, int level)
{
    auto key = record_key(source, compression, level);
    if (key.empty()) return std::nullopt;
    auto text = read_record(store, key);
    if (!text) return std::nullopt;
    // A damaged record is ignored: the layer is converted again and the record replaced.
    auto c = parse_conversion_record(*text);
    if (!c) return std::nullopt;
    try {
        if (store.blob_size(c->blob) != c->size) return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return c;
}

std::optional<converted_layer> parse_conversion_record(const std::string& text)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& o = value.as_object();
    try {
        converted_layer c;
        c.blob = digest::parse_or_throw(o.at("digest").as_string(), "conversion record");
        c.size = o.at("size").to_number<std::uint64_t>();
        c.diff_id = digest::parse_or_throw(o.at("diff_id").as_string(), "conversion record");
        c.media_suffix = o.at("media_suffix").as_string();
        if (auto* a = o.if_contains("annotations"); a && a->is_object())
            for (const auto& [k, v] : a->as_object())
                if (v.is_string()) c.annotations[k] = v.as_string();
        return c;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void remember_conversion(plugin::store& store, const digest& source, const std::string& compression, int level,
                         const converted_layer& converted)
{
    auto key = record_key(source, compression, level);
    if (key.empty()) return;
    boost::json::object annotations;
    for (const auto& [k, v] : converted.annotations) annotations[k] = v;
    boost::json::object record{{"digest", converted.blob.str()},
                               {"size", converted.size},
                               {"diff_id", converted.diff_id.str()},
                               {"media_suffix", converted.media_suffix},
                               {"annotations", std::move(annotations)}};
    try {
        store.put_metadata(key, canonical_json(record));
    } catch (const error&) {
    }
}

}  // namespace lading::layer
