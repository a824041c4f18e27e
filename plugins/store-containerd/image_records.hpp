// Image records of containerd's image service: a name and the descriptor it points at.
#pragma once

#include "connection.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace containerd_store {

struct image_record {
    std::string name;
    boost::json::object target;  // mediaType, digest, size, annotations
};

std::vector<image_record> list_images(connection& c);

// Creates or updates every record. When one fails, those already made are put back as they
// were (removed when they were new) before the error is thrown.
void bind_images(connection& c, const std::vector<image_record>& records);

}  // namespace containerd_store
