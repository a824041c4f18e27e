// Helpers shared by the integration tests: the lading binary under test (LADING_BINARY),
// the fixture tree built once per run, and export / listing shortcuts that REQUIRE success.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/export_metadata.hpp"
#include "common/lading_cli.hpp"
#include "common/process.hpp"
#include "common/tree_fixture.hpp"

namespace lading::test {

// The binary under test; FAILs the test case when it has not been built.
const lading_cli& lading_cmd();

// The full fixture tree (seed 1), created on first use and removed at exit. Read-only.
const tree_fixture& shared_tree();

// REQUIREs exit status 0 and prints the command, status and output otherwise.
void require_success(const process_result& r);

struct export_request {
    std::vector<std::filesystem::path> layers{};  // first one is CONTEXT_DIR, the rest --layer
    std::vector<std::string> outputs{};           // --output SPEC each
    std::filesystem::path store{};
    std::filesystem::path metadata_file{};        // empty: no --metadata-file
    std::vector<std::string> extra_args{};        // e.g. {"--label", "k=v"}
    env_overrides env{};
    std::string platform = "linux/amd64";
    std::string progress = "quiet";
};

std::vector<std::string> export_argv(const export_request& req);
process_result run_export(const export_request& req);
// run_export + require_success + read the metadata file (which must be set).
export_metadata export_ok(const export_request& req);

// `lading images --store STORE`, required to succeed.
std::vector<image_listing_entry> list_images(const std::filesystem::path& store);
// The listing entry whose name is `name` as given or normalised.
std::optional<image_listing_entry> find_listed(const std::vector<image_listing_entry>& list,
                                               const std::string& name);
std::string describe_listing(const std::vector<image_listing_entry>& list);

// A small context directory (a few files) for tests that do not need the full fixture.
void make_small_tree(const std::filesystem::path& root, const std::string& flavour = "small");

// Layer media types by compression and media-type family.
std::string expected_layer_media_type(const std::string& compression, bool oci);
std::string expected_manifest_media_type(bool oci);

}  // namespace lading::test
