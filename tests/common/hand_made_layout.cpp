#include "common/hand_made_layout.hpp"

#include "common/file_bytes.hpp"
#include "common/sha256.hpp"

#include <boost/json.hpp>

namespace lading::test {

namespace {

// Writes `bytes` as a blob of the layout; its descriptor.
boost::json::object put_blob(const std::filesystem::path& dir, const std::string& media_type, const std::string& bytes)
{
    const auto hex = sha256_hex(bytes);
    write_bytes(dir / "blobs" / "sha256" / hex, bytes);
    return {{"mediaType", media_type}, {"digest", "sha256:" + hex}, {"size", bytes.size()}};
}

void write_layout_files(const std::filesystem::path& dir, const boost::json::object& named_entry)
{
    const boost::json::object index{{"schemaVersion", 2},
                                    {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                    {"manifests", boost::json::array{named_entry}}};
    write_bytes(dir / "index.json", boost::json::serialize(index));
    write_bytes(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
}

}  // namespace

std::vector<std::string> write_hand_made_index(const std::filesystem::path& dir, const std::string& name,
                                               const std::vector<hand_made_entry>& entries,
                                               const std::string& layer_tar)
{
    const auto layer = put_blob(dir, "application/vnd.oci.image.layer.v1.tar", layer_tar);
    boost::json::array manifests;
    std::vector<std::string> digests;
    for (const auto& e : entries) {
        boost::json::object config = e.config_platform;
        config["config"] = boost::json::object{};
        config["rootfs"] = {{"type", "layers"}, {"diff_ids", boost::json::array{layer.at("digest")}}};
        const boost::json::object manifest{
            {"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config", put_blob(dir, "application/vnd.oci.image.config.v1+json", boost::json::serialize(config))},
            {"layers", boost::json::array{layer}}};
        auto entry = put_blob(dir, "application/vnd.oci.image.manifest.v1+json", boost::json::serialize(manifest));
        digests.emplace_back(entry.at("digest").as_string());
        if (!e.index_platform.empty()) entry["platform"] = e.index_platform;
        manifests.push_back(std::move(entry));
    }
    const boost::json::object index{{"schemaVersion", 2},
                                    {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                    {"manifests", std::move(manifests)}};
    auto named = put_blob(dir, "application/vnd.oci.image.index.v1+json", boost::json::serialize(index));
    named["annotations"] = {{"org.opencontainers.image.ref.name", name}};
    write_layout_files(dir, named);
    return digests;
}

std::string write_hand_made_layout(const std::filesystem::path& dir, const std::string& name, const std::string& platform,
                                   const std::vector<std::string>& layer_tars)
{
    const auto slash = platform.find('/');
    const auto variant_slash = platform.find('/', slash + 1);
    boost::json::array layers, diff_ids;
    for (const auto& tar : layer_tars) {
        layers.push_back(put_blob(dir, "application/vnd.oci.image.layer.v1.tar", tar));
        diff_ids.push_back(layers.back().at("digest"));
    }
    boost::json::object config{{"os", platform.substr(0, slash)},
                               {"architecture", platform.substr(slash + 1, variant_slash - slash - 1)},
                               {"config", boost::json::object{}},
                               {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
    if (variant_slash != std::string::npos) config["variant"] = platform.substr(variant_slash + 1);
    const boost::json::object manifest{
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config", put_blob(dir, "application/vnd.oci.image.config.v1+json", boost::json::serialize(config))},
        {"layers", layers}};
    auto entry = put_blob(dir, "application/vnd.oci.image.manifest.v1+json", boost::json::serialize(manifest));
    entry["annotations"] = {{"org.opencontainers.image.ref.name", name}};
    write_layout_files(dir, entry);
    return std::string(entry.at("digest").as_string());
}

}  // namespace lading::test
