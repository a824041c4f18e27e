// `lading imagetools create`: reads the sources, composes one index and, unless it is a dry
// run, publishes it under every target name.
#pragma once

#include "imagetools/index_composer.hpp"

#include <lading/host_config.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

namespace lading::imagetools {

struct create_request {
    std::vector<std::string> sources;         // REG/REPO[:TAG|@DIGEST], oci-layout://..., store names
    std::vector<std::string> metadata_files;  // --from-metadata
    std::vector<std::string> targets;         // -t: registry references, or names in the local store
    bool append = false;                      // the index at targets[0] is a source too, first
    std::vector<std::string> annotations;     // --annotation
    bool dry_run = false;
    std::filesystem::path store_location;     // where store names are looked up and written
    host_config hosts;
    std::stop_token stop;
};

// Throws usage_error for a malformed request, lading::error when the work fails; nothing is
// tagged then.
composed_index create_index(const create_request& request, plugin::catalog& plugins, progress_listener& progress);

}  // namespace lading::imagetools
