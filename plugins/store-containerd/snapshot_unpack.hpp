// Unpacking an image the way containerd does: each layer applied by the diff service onto a
// snapshot keyed by its chain ID, and the config labelled with the top snapshot so that the
// garbage collector keeps the snapshots as long as the image.
#pragma once

#include "connection.hpp"

#include <string>
#include <vector>

namespace containerd_store {

struct layer_to_apply {
    std::string descriptor_json;  // the manifest's layer descriptor
    std::string diff_id;
};

// The chain IDs of layers with these diffIDs, bottom first (the OCI image-spec's ChainID).
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);

struct unpack_outcome {
    bool unpacked_now = false;
    std::string top_chain_id;
};

unpack_outcome unpack_layers(connection& c, const std::string& manifest_digest,
                             const std::vector<layer_to_apply>& layers);

}  // namespace containerd_store
