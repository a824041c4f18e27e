#include "layer_blob.hpp"

namespace lading::test {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string compression_of_media_type(const std::string& media_type) {
    if (ends_with(media_type, "gzip")) return "gzip";
    if (ends_with(media_type, "zstd")) return "zstd";
    return "uncompressed";
}

process_result decompress_layer(const std::filesystem::path& blob, const std::string& compression) {
    if (compression == "gzip") return run_process({"gzip", "-dc", blob.string()});
    if (compression == "zstd") return run_process({"zstd", "-dcq", blob.string()});
    return run_process({"cat", blob.string()});
}

process_result extract_tar_stream(const std::string& tar_bytes, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    process_options o;
    o.argv = {"tar", "--xattrs", "--xattrs-include=*", "--same-owner", "--numeric-owner",
              "--same-permissions", "-C", dir.string(), "-xf", "-"};
    o.stdin_data = tar_bytes;
    return run_process(o);
}

}  // namespace lading::test
