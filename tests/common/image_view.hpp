// One image manifest in an OCI layout, read with the test's own layout reader: the manifest,
// its config, its layer descriptors and the config's diffIDs.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace lading::test {

struct image_view {
    std::string digest;
    boost::json::object manifest, config;
    std::vector<std::string> layer_digests, layer_types, diff_ids;
    std::vector<boost::json::object> layers;
};

// Throws when a blob is missing, does not match its digest, or is not the JSON expected.
image_view read_image(const std::filesystem::path& store, const std::string& manifest_digest);

}  // namespace lading::test
