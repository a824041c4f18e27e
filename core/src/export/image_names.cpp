#include "export/image_names.hpp"
#include <lading/oci/reference.hpp>

namespace lading {

std::string normalized_name(const std::string& name) { return parse_reference(name).normalized(); }

}  // namespace lading
