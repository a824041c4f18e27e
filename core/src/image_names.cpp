#include <lading/image_names.hpp>
#include <lading/reference.hpp>

namespace lading {

std::string normalized_name(const std::string& name) { return parse_reference(name).normalized(); }

}  // namespace lading
