// The --metadata-file documents: BuildKit's exporter response keys for what an export made.
#pragma once

#include <lading/export/export_request.hpp>

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace lading::cli {

// BuildKit's keys (containerimage.digest, .config.digest, .descriptor, image.name) for the
// first output, and every output's keys under "lading.outputs".
boost::json::object export_metadata(const std::vector<output_result>& results);

// Refuses (usage_error) a --metadata-file whose directory does not exist or cannot be written,
// before an export does any work.
void check_metadata_file_path(const std::string& path);

// Writes `doc` as canonical JSON to `path` through a temporary file renamed over it.
void write_metadata_file(const std::string& path, const boost::json::object& doc);

}  // namespace lading::cli
