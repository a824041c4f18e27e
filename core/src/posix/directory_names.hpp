// Reading the names in a directory with readdir(3), for callers that hold a DIR* from
// opendir(3) or fdopendir(3) and report failures in their own words.
#pragma once

#include <dirent.h>

#include <optional>
#include <string>
#include <vector>

namespace lading {

// The names in `dir` except "." and "..", in directory order; closes `dir`. nullopt, with
// errno set, when reading failed.
std::optional<std::vector<std::string>> read_names_and_close(DIR* dir);

}  // namespace lading
