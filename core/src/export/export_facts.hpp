// What an export plan is decided from, besides the request: what the plugins it names can
// do and the base image of each platform, all gathered beforehand as plain values, so that
// planning itself reads nothing and loads nothing.
#pragma once

#include "base/base_image.hpp"
#include <lading/plugin/abi.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading {

struct compressor_facts {
    std::string name;
    std::string media_suffix;
    int level_min = 0, level_max = 0, level_default = 0;
    // Level → why the plugin refused to start a compressor at it (its own settings, such
    // as an environment variable it reads), found by starting one before any work.
    std::map<int, std::string> start_failures;

    // Throws usage_error naming the range when `level` is outside it.
    void check_level(int level) const;
    // Throws lading::error with the plugin's message when it could not start at `level`.
    void check_starts(int level) const;
};

struct media_type_facts {
    std::string name;
    std::uint32_t capabilities = 0;
    // Compressor media suffix → the layer media type this format gives it; a suffix the
    // format cannot name is absent.
    std::map<std::string, std::string> layer_types;
    // Media type of a base image layer → its compressor suffix; unknown media types are absent.
    std::map<std::string, std::string> base_layer_suffixes;

    bool can(lading_capability capability) const { return (capabilities & capability) != 0; }
    // Throws lading::error, as the plugin does, when the format has no layer type for `suffix`.
    const std::string& layer_type(const std::string& suffix) const;
    // Throws lading::error naming the layer when its media type is not one this format knows.
    const std::string& base_layer_suffix(const descriptor& layer) const;
};

// The plugins one request names. A plugin that is missing or failed to load is recorded
// with the loader's message, which planning reports at the point the check needs it.
struct plugin_facts {
    std::vector<std::string> compressor_names;  // every compressor installed, for messages
    std::map<std::string, compressor_facts> compressors;
    std::map<std::string, media_type_facts> media_types;  // by family: "oci", "docker"
    std::vector<std::string> stores;                      // store backends that loaded
    std::vector<std::string> stores_without_unpack;       // of those, the ones that cannot unpack
    std::map<std::string, std::string> load_errors;       // "<kind>/<name>" → message

    // nullptr when no compressor of that name is installed; throws its load error.
    const compressor_facts* find_compressor(const std::string& name) const;
    // These throw lading::error with the loader's message when the plugin is unavailable.
    const compressor_facts& compressor(const std::string& name) const;
    const media_type_facts& media_type(const std::string& family) const;
    void require_store(const std::string& backend) const;
    bool store_cannot_unpack(const std::string& backend) const;
};

struct export_facts {
    plugin_facts plugins;
    // One per platform the export builds, in the order planning uses (the --platform list,
    // else the one default platform): the base image for it, none for scratch.
    std::vector<std::optional<base_image>> bases;
};

}  // namespace lading
