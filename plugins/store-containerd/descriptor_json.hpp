// containerd's Descriptor message and the OCI descriptor JSON lading passes around.
#pragma once

#include <github.com/containerd/containerd/api/types/descriptor.pb.h>

#include <boost/json/object.hpp>

namespace containerd_store {

boost::json::object to_json(const containerd::types::Descriptor& d);
containerd::types::Descriptor from_json(const boost::json::object& o);

}  // namespace containerd_store
