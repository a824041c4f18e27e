#include <lading/version.hpp>

#ifndef LADING_CORE_VERSION
#error "LADING_CORE_VERSION must be defined by the build"
#endif

namespace lading {

std::string_view version() { return LADING_CORE_VERSION; }

}  // namespace lading
