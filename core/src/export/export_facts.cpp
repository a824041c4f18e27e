#include "export_facts.hpp"

#include <lading/error.hpp>

#include <algorithm>

namespace lading {

namespace {

[[noreturn]] void unavailable(const plugin_facts& facts, const std::string& key)
{
    auto it = facts.load_errors.find(key);
    throw error(it != facts.load_errors.end() ? it->second : "no " + key + " plugin was looked up for this export");
}

}  // namespace

void compressor_facts::check_level(int level) const
{
    if (level < level_min || level > level_max)
        throw usage_error("invalid --output: compression-level=" + std::to_string(level) + " is out of range for " +
                          name + " (" + std::to_string(level_min) + " to " + std::to_string(level_max) + ")");
}

void compressor_facts::check_starts(int level) const
{
    if (auto it = start_failures.find(level); it != start_failures.end()) throw error(it->second);
}

const std::string& media_type_facts::layer_type(const std::string& suffix) const
{
    auto it = layer_types.find(suffix);
    if (it == layer_types.end())
        throw error("the " + name + " media types have no layer type for " +
                    (suffix.empty() ? std::string("uncompressed") : suffix) + " layers");
    return it->second;
}

const std::string& media_type_facts::base_layer_suffix(const descriptor& layer) const
{
    auto it = base_layer_suffixes.find(layer.media_type);
    if (it == base_layer_suffixes.end())
        throw error("base image layer " + layer.digest.str() + " has an unknown media type " + layer.media_type);
    return it->second;
}

const compressor_facts* plugin_facts::find_compressor(const std::string& name) const
{
    if (auto it = compressors.find(name); it != compressors.end()) return &it->second;
    if (load_errors.count("compressor/" + name)) unavailable(*this, "compressor/" + name);
    return nullptr;
}

const compressor_facts& plugin_facts::compressor(const std::string& name) const
{
    if (auto it = compressors.find(name); it != compressors.end()) return it->second;
    unavailable(*this, "compressor/" + name);
}

const media_type_facts& plugin_facts::media_type(const std::string& family) const
{
    if (auto it = media_types.find(family); it != media_types.end()) return it->second;
    unavailable(*this, "mediatype/" + family);
}

bool plugin_facts::store_cannot_unpack(const std::string& backend) const
{
    return std::find(stores_without_unpack.begin(), stores_without_unpack.end(), backend) != stores_without_unpack.end();
}

void plugin_facts::require_store(const std::string& backend) const
{
    if (std::find(stores.begin(), stores.end(), backend) == stores.end()) unavailable(*this, "store/" + backend);
}

}  // namespace lading
