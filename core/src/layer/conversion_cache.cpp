#include "posix/atomic_file.hpp"
#include <lading/oci/canonical_json.hpp>
#include <lading/error.hpp>
#include "layer/conversion_cache.hpp"
#include <lading/plugin/store.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace lading::layer {

namespace {

// <store>/conversions/sha256/<source hex>/<compression>.json; empty when the store is not a
// directory or the compressor's name could not be a file name.
std::filesystem::path record_path(plugin::store& store, const digest& source, const std::string& compression)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(store.location(), ec)) return {};
    const bool plain = !compression.empty() && compression[0] != '.' &&
                       std::all_of(compression.begin(), compression.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                       });
    if (!plain) return {};
    return std::filesystem::path(store.location()) / "conversions" / "sha256" / std::string(source.hex()) /
           (compression + ".json");
}

}  // namespace

std::optional<converted_layer> find_conversion(plugin::store& store, const digest& source,
                                               const std::string& compression)
{
    auto path = record_path(store, source, compression);
    if (path.empty()) return std::nullopt;
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    // A damaged record is ignored: the layer is converted again and the record replaced.
    boost::system::error_code ec;
    auto value = boost::json::parse(text.str(), ec);
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
        if (store.blob_size(c.blob) != c.size) return std::nullopt;
        return c;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void remember_conversion(plugin::store& store, const digest& source, const std::string& compression,
                         const converted_layer& converted)
{
    auto path = record_path(store, source, compression);
    if (path.empty()) return;
    boost::json::object annotations;
    for (const auto& [k, v] : converted.annotations) annotations[k] = v;
    boost::json::object record{{"digest", converted.blob.str()},
                               {"size", converted.size},
                               {"diff_id", converted.diff_id.str()},
                               {"media_suffix", converted.media_suffix},
                               {"annotations", std::move(annotations)}};
    try {
        replace_file_atomically(path, canonical_json(record), 0644);
    } catch (const error&) {
    }
}

}  // namespace lading::layer
