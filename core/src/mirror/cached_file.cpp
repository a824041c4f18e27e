#include "mirror/cached_file.hpp"

#include <lading/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace lading::mirror {

std::shared_ptr<cached_file> cached_file::open(plugin::store& store, const digest& d)
{
    auto size = store.blob_size(d);
    if (!size) return nullptr;
    std::shared_ptr<cached_file> f(new cached_file());
    f->size_ = *size;
    f->store_ = &store;
    f->digest_ = d;
    if (auto path = store.blob_path(d)) {
        f->fd_ = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
        if (f->fd_ < 0 && errno == ENOENT) return nullptr;  // evicted meanwhile
        if (f->fd_ < 0) throw error("cannot open " + path->string() + ": " + std::strerror(errno));
        struct stat st {};
        if (::fstat(f->fd_, &st) == 0) f->size_ = static_cast<std::uint64_t>(st.st_size);
    }
    return f;
}

cached_file::~cached_file()
{
    if (fd_ >= 0) ::close(fd_);
}

std::size_t cached_file::read_at(std::uint64_t offset, std::span<std::uint8_t> buf)
{
    if (offset >= size_) return 0;
    if (buf.size() > size_ - offset) buf = buf.first(static_cast<std::size_t>(size_ - offset));
    if (fd_ >= 0) {
        for (;;) {
            auto n = ::pread(fd_, buf.data(), buf.size(), static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw error(std::string("cannot read a cached blob: ") + std::strerror(errno));
            return static_cast<std::size_t>(n);
        }
    }
    if (!sequential_ || offset < position_) {
        sequential_ = store_->open_blob(digest_);
        position_ = 0;
    }
    std::vector<std::uint8_t> skip(64 * 1024);
    while (position_ < offset) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(skip.size(), offset - position_));
        auto n = sequential_->read(std::span(skip.data(), want));
        if (n == 0) return 0;
        position_ += n;
    }
    auto n = sequential_->read(buf);
    position_ += n;
    return n;
}

bool cached_file::matches(const digest& d)
{
    sha256_hasher hash;
    std::vector<std::uint8_t> buf(1 << 20);
    std::uint64_t offset = 0;
    while (offset < size_) {
        auto n = read_at(offset, buf);
        if (n == 0) break;
        hash.update(std::span<const std::uint8_t>(buf.data(), n));
        offset += n;
    }
    return offset == size_ && hash.finish() == d;
}

}  // namespace lading::mirror
