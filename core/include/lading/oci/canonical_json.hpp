// Byte-stable JSON: object keys sorted by their bytes, no insignificant white space.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace lading {

std::string canonical_json(const boost::json::value& v);

}  // namespace lading
