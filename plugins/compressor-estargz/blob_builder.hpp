// Turns the events of a tar stream into an eStargz blob: members split at every payload
// and every 4 MiB chunk, the TOC describing them, then the TOC member and the footer.
// Everything written into a member is also hashed for the blob's diffID.
#pragma once

#include "member_sequence.hpp"
#include "packed_toc.hpp"
#include "tar_scanner.hpp"
#include "toc.hpp"

#include <lading/formats/sha256.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lading::plugins::estargz {

inline constexpr std::int64_t chunk_size = std::int64_t{4} << 20;

class blob_builder final : public tar_events {
public:
    blob_builder(int level, unsigned threads);

    void metadata(std::span<const std::uint8_t> bytes) override;
    void entry(const tar_entry& e) override;
    void payload(std::span<const std::uint8_t> bytes) override;
    void entry_end() override;

    // After the last tar event: the TOC member and the footer.
    void finish();

    member_sequence& members() { return members_; }
    // Valid after finish().
    const std::string& toc_digest() const { return toc_digest_; }
    const std::string& diff_id() const { return diff_id_; }
    std::uint64_t uncompressed_size() const { return uncompressed_size_; }

private:
    void write(std::span<const std::uint8_t> bytes);
    void start_chunk();

    member_sequence members_;
    packed_toc toc_;  // every finished entry
    formats::sha256 diff_hash_;
    std::uint64_t uncompressed_size_ = 0;

    // The regular file whose payload is being read: its entry, then one per further chunk,
    // packed into toc_ once its digest is known.
    std::vector<toc_entry> file_entries_;
    std::int64_t file_size_ = 0, file_pos_ = 0;
    formats::sha256 file_hash_;
    // Files of more than one chunk hash each chunk on its own too.
    formats::sha256 chunk_hash_;
    std::int64_t chunk_left_ = 0;

    std::string toc_digest_, diff_id_;
};

}  // namespace lading::plugins::estargz
