// The tree the streamed-push tests export: one layer well over ten of the upload's 1 MiB
// pieces, compressed or not, and its image as an export to a store gives it.
#pragma once

#include "common/export_metadata.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "support.hpp"

#include <filesystem>
#include <string>

namespace lading::test {

// An export of work/"streamed-tree" (made on first use) with the one output `output`, the
// store work/"store" and the metadata file work/"meta.json", at a fixed SOURCE_DATE_EPOCH,
// with retries 5 ms apart.
export_request streamed_tree_export(const std::filesystem::path& work, const std::string& output);

// The streamed tree exported into work/"store" (with `options` appended to its output).
struct stored_tree {
    export_metadata meta;
    std::string layer_hex, config_hex;  // the hex of the digests
};
stored_tree export_tree_to_store(const std::filesystem::path& work, const std::string& options = "oci-mediatypes=true");

// skopeo reads `name` back from the plain-HTTP `registry`: the digest expected, every blob
// intact (copied into `copy`).
void require_read_back(const registry_server& registry, const std::string& name, const std::string& digest,
                       const std::filesystem::path& copy);

// The query of an upload's closing PUT for the blob whose digest has this hex.
std::string closing_query(const std::string& hex);

}  // namespace lading::test
