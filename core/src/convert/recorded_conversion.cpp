#include "convert/recorded_conversion.hpp"

#include "convert/stoppable_source.hpp"
#include "layer/layer_source.hpp"

#include <lading/plugin/store.hpp>

#include <vector>

namespace lading::convert {

namespace {

constexpr const char* stargz_toc_annotation = "containerd.io/snapshot/stargz/toc.digest";

// Hashes every byte read through it.
class hashing_source : public byte_source {
public:
    hashing_source(std::unique_ptr<byte_source> inner, sha256_hasher& hash) : inner_(std::move(inner)), hash_(hash) {}
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = inner_->read(buf);
        hash_.update(buf.first(n));
        return n;
    }

private:
    std::unique_ptr<byte_source> inner_;
    sha256_hasher& hash_;
};

std::size_t read_to_end(byte_source& source, std::vector<std::uint8_t>& buffer, sha256_hasher* hash)
{
    std::size_t total = 0;
    while (auto n = source.read(buffer)) {
        if (hash) hash->update(std::span<const std::uint8_t>(buffer.data(), n));
        total += n;
    }
    return total;
}

// Whether the blob's bytes are `recorded.blob` and its tar is `recorded.diff_id`.
bool blob_matches(plugin::store& store, plugin::catalog& plugins, const layer::converted_layer& recorded,
                  std::stop_token stop)
{
    const auto what = "converted layer " + recorded.blob.str();
    sha256_hasher blob_hash, tar_hash;
    auto counted = std::make_unique<hashing_source>(
        std::make_unique<stoppable_source>(store.open_blob(recorded.blob), stop, "checking " + what), blob_hash);
    auto* blob_bytes = counted.get();
    auto tar = layer::open_uncompressed(std::move(counted), plugins, what);
    std::vector<std::uint8_t> buffer(1 << 20);
    read_to_end(*tar, buffer, &tar_hash);
    read_to_end(*blob_bytes, buffer, nullptr);  // whatever the decompressor left unread
    return blob_hash.finish() == recorded.blob && tar_hash.finish() == recorded.diff_id;
}

}  // namespace

std::optional<layer::converted_layer> find_checked_conversion(plugin::store& store, plugin::catalog& plugins,
                                                              const source_layer& source,
                                                              const std::string& compression, int level,
                                                              const std::string& media_suffix, std::stop_token stop)
{
    auto recorded = layer::find_conversion(store, source.blob.digest, compression, level);
    if (!recorded || recorded->media_suffix != media_suffix) return std::nullopt;
    const bool rewrites_archive = recorded->annotations.count(stargz_toc_annotation) > 0;
    if (!rewrites_archive && recorded->diff_id != source.diff_id) return std::nullopt;
    try {
        if (!blob_matches(store, plugins, *recorded, stop)) return std::nullopt;
    } catch (const error& e) {
        if (e.code() == std::errc::operation_canceled) throw;
        return std::nullopt;
    }
    return recorded;
}

}  // namespace lading::convert
