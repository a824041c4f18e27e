// Rewrites an existing tar stream so that no time in it is later than a given epoch
// (rewrite-timestamp on tarball layers). Checks every header while it goes, so a stream
// that is not a tar archive fails with a clear error instead of becoming a layer. It
// accepts exactly what lading's tar reader accepts (both use lading/formats).
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/formats/header_decoder.hpp>

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

namespace lading::tar {

// What names a stream may hold.
enum class entry_names {
    as_stored,  // anything the format allows: a base layer converted must keep its bytes
    // A tarball made into a new layer: relative names that stay inside the layer (no
    // absolute name, no ".."), and hardlinks only to an earlier entry of the same stream,
    // as the OCI layer rules ask; anything else is refused with the entry named.
    inside_layer,
};

// Reads the whole header block sequence of `inner` and validates it. When clamp is set,
// rewrites ustar mtime fields (extended headers' own included) and PAX mtime/atime/ctime
// records; otherwise passes every byte through unchanged.
class checked_tar_source : public byte_source {
public:
    checked_tar_source(std::unique_ptr<byte_source> inner, std::optional<std::int64_t> clamp, std::string what,
                       entry_names names = entry_names::as_stored);
    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    bool fill_block(std::string& block);
    void next_record();
    void take_header(std::string block);
    [[noreturn]] void fail(const std::string& message) const;
    void check_names(const formats::ustar::decoded_entry& e);
    void clamp_header_mtime(std::string& block) const;

    std::unique_ptr<byte_source> inner_;
    std::optional<std::int64_t> clamp_;
    std::string what_;
    entry_names names_;
    std::unordered_set<std::uint64_t> seen_;  // hashes of the entries' cleaned names (inside_layer)
    std::unordered_set<std::uint64_t> directories_;  // the same of directories, for hardlinks' errors
    std::string pending_;
    std::size_t pending_pos_ = 0;
    std::uint64_t content_left_ = 0;  // content and padding bytes still to pass through
    formats::ustar::header_decoder decoder_;
    std::uint64_t offset_ = 0;
    bool ended_ = false;  // past the end-of-archive marker: the rest passes through as is
    bool eof_ = false;
};

}  // namespace lading::tar
