#include <lading/stream/byte_source.hpp>
#include <lading/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lading {

std::size_t memory_source::read(std::span<std::uint8_t> buf)
{
    auto n = std::min(buf.size(), bytes_.size() - pos_);
    std::memcpy(buf.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
}

file_source::file_source(const std::filesystem::path& path) : path_(path)
{
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw error("cannot open " + path.string() + ": " + std::strerror(errno));
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

file_source::file_source(int fd, const std::filesystem::path& path) : path_(path), fd_(fd)
{
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

file_source::~file_source()
{
    if (fd_ >= 0) ::close(fd_);
}

std::size_t file_source::read(std::span<std::uint8_t> buf)
{
    for (;;) {
        auto n = ::read(fd_, buf.data(), buf.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) throw error("cannot read " + path_.string() + ": " + std::strerror(errno));
    }
}

}  // namespace lading
