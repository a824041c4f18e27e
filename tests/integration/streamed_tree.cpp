#include "streamed_tree.hpp"

#include "common/image_view.hpp"
#include "common/random_data.hpp"
#include "registry_support.hpp"

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace lading::test {

export_request streamed_tree_export(const fs::path& work, const std::string& output)
{
    const auto tree = work / "streamed-tree";
    if (!fs::exists(tree)) {
        fs::create_directories(tree / "data");
        write_random_file(tree / "data" / "noise.bin", 10 << 20, 13);
        write_text_file(tree / "data" / "words.txt", 3 << 20, 14);
    }
    return {.layers = {tree},
            .outputs = {output},
            .store = work / "store",
            .metadata_file = work / "meta.json",
            .env = {{"SOURCE_DATE_EPOCH", "1700000000"}, {"LADING_REGISTRY_RETRY_DELAY_MS", "5"}}};
}

stored_tree export_tree_to_store(const fs::path& work, const std::string& options)
{
    stored_tree t{export_ok(streamed_tree_export(work, "type=image,name=local:1," + options)), {}, {}};
    const auto image = read_image(work / "store", t.meta.digest);
    REQUIRE(image.layer_digests.size() == 1);
    t.layer_hex = image.layer_digests[0].substr(7);
    t.config_hex = t.meta.config_digest.substr(7);
    return t;
}

void require_read_back(const registry_server& registry, const std::string& name, const std::string& digest,
                       const fs::path& copy)
{
    CHECK(skopeo_digest(registry.address() + "/" + name, {"--tls-verify=false"}) == digest);
    require_skopeo_copy_intact(registry.address() + "/" + name, copy);
}

std::string closing_query(const std::string& hex) { return "digest=sha256(:|%3A)" + hex; }

}  // namespace lading::test
