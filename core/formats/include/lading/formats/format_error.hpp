// What the tar codec throws for bytes that are not a tar archive it accepts. The message is
// one line and names no archive: each reader puts its own name for the input in front.
#pragma once

#include <stdexcept>

namespace lading::formats {

struct format_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace lading::formats
