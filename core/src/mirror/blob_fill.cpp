#include "mirror/blob_fill.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lading::mirror {

namespace asio = boost::asio;

blob_fill::blob_fill(asio::any_io_executor ex, const std::filesystem::path& spool_dir, std::uint64_t size)
    : size_(size), changed_(std::move(ex))
{
    fd_ = ::open(spool_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
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
    changed_.notify_all();
}

void blob_fill::finish()
{
    done_ = true;
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
    for (;;) {
        if (!failure_.empty()) throw error(failure_);
        if ((offset < written_ && written_ >= end) || done_) co_return;
        co_await changed_.wait();
    }
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
