// Runs the targets `lading bake` resolved: concurrently, in one thread budget, with one
// progress display, writing the metadata file. Returns the process exit status.
#pragma once

#include "bake/bake_target.hpp"

#include <string>

namespace lading::cli {

struct bake_run_flags {
    std::string store;          // --store; empty: the default store
    std::string progress = "auto";  // --progress
    std::string metadata_file;  // --metadata-file; empty: none
};

int run_resolved_bake(const lading::bake::resolved_bake& bake, const bake_run_flags& flags);

}  // namespace lading::cli
