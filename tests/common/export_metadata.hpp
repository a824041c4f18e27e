// The JSON that `lading export --metadata-file F` writes (BuildKit's exporter response keys).
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>

namespace lading::test {

struct export_metadata {
    std::string digest;         // containerimage.digest
    std::string config_digest;  // containerimage.config.digest
    boost::json::object descriptor;  // containerimage.descriptor
    std::string image_name;     // image.name (may be absent: "")
    boost::json::value raw;
};

// Throws std::runtime_error (quoting the file) when the file is missing, is not JSON or
// lacks containerimage.digest.
export_metadata read_export_metadata(const std::filesystem::path& file);

}  // namespace lading::test
