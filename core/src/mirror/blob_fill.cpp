#include "mirror/blob_fill.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lading::mirror {

namespace asio = boost::asio;

namespace {

// A linkable spool is written back as it grows, as the store does with its blobs, so that
// flushing it at the end is short.
constexpr std::uint64_t writeback_stretch = 8 << 20;

bool flush_directory(const std::filesystem::path& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

blob_fill::blob_fill(asio::any_io_executor ex, const std::filesystem::path& spool_dir, std::uint64_t size)
    : size_(size), changed_(std::move(ex))
{
    // Readable as the store's own blob files are, in case it is linked into the store.
    fd_ = ::open(spool_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    linkable_ = fd_ >= 0;
    if (fd_ < 0) {
        // Filesystems without O_TMPFILE: a named file, unlinked at once.
        auto pattern = (spool_dir / ".lading-mirror-spool-XXXXXX").string();
        fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd_ >= 0) ::unlink(pattern.c_str());
    }
    if (fd_ < 0) throw error("cannot create a spool file in " + spool_dir.string() + ": " + std::strerror(errno));
}

blob_fill::~blob_fill()
{
    if (fd_ >= 0) ::close(fd_);
}

void blob_fill::append(std::span<const std::uint8_t> bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(written_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw error(std::string("cannot write the spool file: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    written_ += bytes.size();
    if (linkable_ && written_ - written_back_ >= writeback_stretch) {
        // Advisory: a failure only leaves the work to the flush in link_as.
        ::sync_file_range(fd_, static_cast<off64_t>(written_back_), static_cast<off64_t>(written_ - written_back_),
                          SYNC_FILE_RANGE_WRITE);
        written_back_ = written_;
    }
    changed_.notify_all();
}

void blob_fill::verified()
{
    verified_ = true;
    changed_.notify_all();
}

void blob_fill::committed()
{
    committed_ = verified_ = true;
    changed_.notify_all();
}

void blob_fill::fail(std::string why)
{
    failure_ = why.empty() ? "the upstream download failed" : std::move(why);
    changed_.notify_all();
}

asio::awaitable<void> blob_fill::wait_for(std::uint64_t offset, std::uint64_t want)
{
    const auto end = std::min(size_, offset + want);
    const bool past_the_end = offset >= size_;
    for (;;) {
        if (committed_) co_return;
        if (!failure_.empty()) {
            // Verified bytes are still served when only keeping them in the cache failed.
            if (verified_ && !past_the_end) co_return;
            throw error(failure_);
        }
        if (!past_the_end && offset < written_ && written_ >= end && end < size_) co_return;
        co_await changed_.wait();
    }
}

bool blob_fill::link_as(const std::filesystem::path& target) const
{
    if (!linkable_) return false;
    if (::fsync(fd_) != 0) throw error(std::string("cannot flush the spool file: ") + std::strerror(errno));
    const auto self = "/proc/self/fd/" + std::to_string(fd_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, target.c_str(), AT_SYMLINK_FOLLOW) != 0 && errno != EEXIST)
        return false;
    if (!flush_directory(target.parent_path()))
        throw error("cannot flush " + target.parent_path().string() + ": " + std::strerror(errno));
    return true;
}

std::size_t blob_fill::read_at(std::uint64_t offset, std::span<std::uint8_t> buf) const
{
    auto want = std::min<std::uint64_t>(buf.size(), written_ - offset);
    for (;;) {
        auto n = ::pread(fd_, buf.data(), static_cast<std::size_t>(want), static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw error(std::string("cannot read the spool file: ") + std::strerror(errno));
        return static_cast<std::size_t>(n);
    }
}

}  // namespace lading::mirror
