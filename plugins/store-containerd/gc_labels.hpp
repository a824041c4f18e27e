// The labels containerd's garbage collector follows: an index names its manifests, a manifest
// its config and layers (containerd.io/gc.ref.content.*), so that one image name keeps the
// whole tree; and compressed layers carry their diffID (containerd.io/uncompressed).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace containerd_store {

// The JSON object of a blob when it is a manifest or an index, else nullopt.
std::optional<boost::json::object> manifest_or_index(std::string_view bytes);

// containerd.io/gc.ref.content.{m.<i>,config,l.<i>} for the children of a manifest or index.
std::map<std::string, std::string> child_ref_labels(const boost::json::object& doc);

// (layer digest, diffID) of each compressed layer of a manifest, from its config's rootfs.
std::vector<std::pair<std::string, std::string>> compressed_layer_diff_ids(const boost::json::object& manifest,
                                                                           std::string_view config_bytes);

// containerd.io/distribution.source.<registry> with `repository` added to the comma-separated
// list `current` holds (as containerd's pull keeps it).
std::pair<std::string, std::string> distribution_source_label(const std::map<std::string, std::string>& current,
                                                              const std::string& registry,
                                                              const std::string& repository);

// The config digest of a manifest, or "" when it has none.
std::string config_digest(const boost::json::object& manifest);

}  // namespace containerd_store
