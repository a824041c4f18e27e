// The version of liblading, as the project's CMake version says.
#pragma once

#include <string_view>

namespace lading {

std::string_view version();

}  // namespace lading
