#include <lading/error.hpp>
#include "layer/layer_source.hpp"
#include "plugin/compressor.hpp"
#include "tar/checked_tar_source.hpp"
#include "tar/tree_tar_source.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace lading::layer {

namespace {

std::vector<std::uint8_t> read_head(byte_source& src, std::size_t want)
{
    std::vector<std::uint8_t> head(want);
    std::size_t got = 0;
    while (got < want) {
        auto n = src.read(std::span(head).subspan(got));
        if (n == 0) break;
        got += n;
    }
    head.resize(got);
    return head;
}

// The compressor whose format the file starts with; nullptr for a plain tar. A plugin that
// cannot be loaded (another ABI, a broken file) is passed over: `lading plugins` reports it,
// and it must not stop layers that other compressors recognise.
const plugin::loaded_plugin* detect_compression(std::span<const std::uint8_t> head, plugin::catalog& plugins)
{
    for (const auto& name : plugins.names(LADING_KIND_COMPRESSOR)) {
        if (name == "uncompressed") continue;
        const plugin::loaded_plugin* p = nullptr;
        try {
            p = plugins.find(LADING_KIND_COMPRESSOR, name);
        } catch (const error&) {
            continue;
        }
        if (p && plugin::compressor(*p).detect(head)) return p;
    }
    return nullptr;
}

}  // namespace

std::unique_ptr<byte_source> open_layer_source(const std::filesystem::path& path, plugin::catalog& plugins,
                                               std::optional<std::int64_t> clamp_mtime,
                                               tar::entry_observer observe_walk)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw error("layer " + path.string() + " cannot be read: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        return std::make_unique<tar::tree_tar_source>(
            std::make_unique<tar::background_walk>(path, clamp_mtime, tar::prefetch_budget{}, std::move(observe_walk)));
    if (!S_ISREG(st.st_mode)) throw error("layer " + path.string() + " is neither a directory nor a tar archive file");

    auto what = "layer " + path.string();
    return std::make_unique<tar::checked_tar_source>(open_uncompressed(std::make_unique<file_source>(path), plugins, what),
                                                     clamp_mtime, what, tar::entry_names::inside_layer);
}

std::unique_ptr<byte_source> open_uncompressed(std::unique_ptr<byte_source> src, plugin::catalog& plugins,
                                               const std::string& what)
{
    auto head = read_head(*src, 512);
    src = std::make_unique<plugin::prefixed_source>(head, std::move(src));
    if (const auto* codec = detect_compression(head, plugins)) {
        plugin::compressor c(*codec);
        src = std::make_unique<plugin::decompressing_source>(std::move(src), c.decompress(), what);
    }
    return src;
}

}  // namespace lading::layer
