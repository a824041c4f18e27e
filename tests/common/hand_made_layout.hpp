// An OCI image layout written file by file, with no lading code: one image of uncompressed
// tar layers for a platform, named in index.json. For images lading would refuse to build
// (hostile layers that only a registry or another tool could hand it).
#pragma once

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace lading::test {

// Writes the layout at `dir` (created) holding `name` (ref.name annotation) for `platform`
// ("linux/amd64"; "linux/arm64/v8" writes a variant into the config), whose layers, bottom
// first, are the tar archives `layer_tars`. Returns the manifest's digest.
std::string write_hand_made_layout(const std::filesystem::path& dir, const std::string& name, const std::string& platform,
                                   const std::vector<std::string>& layer_tars);

// One image of a hand-made index: the `platform` of its index entry, and the platform
// fields of its config (os, architecture, variant, os.version, os.features).
struct hand_made_entry {
    boost::json::object index_platform;  // empty: the entry states no platform
    boost::json::object config_platform;
};

// Writes the layout at `dir` (created) holding `name` for an index with one image per entry,
// in that order, each of the one layer `layer_tar`. Returns the images' manifest digests.
std::vector<std::string> write_hand_made_index(const std::filesystem::path& dir, const std::string& name,
                                               const std::vector<hand_made_entry>& entries,
                                               const std::string& layer_tar);

}  // namespace lading::test
