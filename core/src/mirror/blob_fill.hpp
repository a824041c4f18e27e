// One blob on its way from the upstream into the cache. The bytes go to an unlinked spool
// file as they arrive, so that every client waiting for the blob reads them from there at
// its own pace, while the upstream download runs once. Once verified, the spool file itself
// can become the cached blob (link_as), so the bytes are written once.
// Threading: used on the mirror's strand only.
#pragma once

#include "mirror/wake_signal.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace lading::mirror {

class blob_fill {
public:
    // Creates the spool file in `spool_dir` without a name (O_TMPFILE), else unlinks it at
    // once (it lives as long as the fill). Throws lading::error when it cannot.
    blob_fill(boost::asio::any_io_executor ex, const std::filesystem::path& spool_dir, std::uint64_t size);
    ~blob_fill();
    blob_fill(const blob_fill&) = delete;
    blob_fill& operator=(const blob_fill&) = delete;

    std::uint64_t size() const { return size_; }
    // Whether link_as can work: the spool was made with O_TMPFILE (some filesystems refuse it).
    bool linkable() const { return linkable_; }

    // Producer: appends the next bytes, marks them verified (all there, matching the digest),
    // then committed to the cache; or a failure. A failure after the verification (the cache
    // could not keep the blob) does not stop the clients reading it.
    void append(std::span<const std::uint8_t> bytes);
    void verified();
    void committed();
    void fail(std::string why);

    // Consumer: returns once `want` bytes from `offset` are there (fewer at the blob's end), or
    // once the blob is committed; throws lading::error when the fill failed. A range that ends
    // at the blob's last byte waits for the commit (or a failure after the verification), so a
    // client never receives the whole of a blob that does not match its digest, and once it
    // has the whole blob, the cache holds it.
    boost::asio::awaitable<void> wait_for(std::uint64_t offset, std::uint64_t want = 1);
    // Reads up to buf.size() bytes at offset (< available()).
    std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> buf) const;
    std::uint64_t available() const { return written_; }

    // Gives the complete spool file the name `target`: flushed, hard-linked, then target's
    // directory flushed. False, with nothing changed, when it cannot be linked there (a
    // spool made without O_TMPFILE, another filesystem); true also when target exists.
    // Safe on another thread once no more bytes are appended.
    bool link_as(const std::filesystem::path& target) const;

private:
    int fd_ = -1;
    std::uint64_t size_;
    bool linkable_ = false;
    std::uint64_t written_ = 0;
    std::uint64_t written_back_ = 0;
    bool verified_ = false;
    bool committed_ = false;
    std::string failure_;
    wake_signal changed_;
};

}  // namespace lading::mirror
