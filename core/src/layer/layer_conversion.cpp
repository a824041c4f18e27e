#include <lading/error.hpp>
#include "layer/layer_conversion.hpp"
#include "layer/layer_source.hpp"
#include "tar/checked_tar_source.hpp"

namespace lading::layer {

namespace {
constexpr const char* stargz_toc_annotation = "containerd.io/snapshot/stargz/toc.digest";
constexpr const char* estargz_compressor = "estargz";
}  // namespace

bool needs_conversion(const descriptor& layer, const std::string& layer_suffix, const std::string& target,
                      const std::string& target_suffix)
{
    if (layer_suffix != target_suffix) return true;
    const bool is_stargz = layer.annotations.count(stargz_toc_annotation) > 0;
    return is_stargz != (target == estargz_compressor);
}

built_layer convert_layer(std::unique_ptr<byte_source> blob, const descriptor& layer, const digest& diff_id,
                          plugin::catalog& plugins, const compression_choice& compression, const blob_sink& sink,
                          progress_listener& progress, std::size_t progress_id)
{
    const auto what = "base layer " + layer.digest.str();
    auto tar_stream = std::make_unique<tar::checked_tar_source>(open_uncompressed(std::move(blob), plugins, what),
                                                                std::nullopt, what);
    compression_choice checked = compression;
    checked.input_digest_needed = true;
    auto built = build_layer(*tar_stream, checked, sink, progress, progress_id);
    if (built.input_digest != diff_id)
        throw error(what + " decompresses to " + built.input_digest.str() + ", but the base image's config says " +
                    diff_id.str());
    return built;
}

}  // namespace lading::layer
