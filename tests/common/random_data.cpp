#include "random_data.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace lading::test {

namespace {

struct xorshift64 {
    std::uint64_t s;
    explicit xorshift64(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {
        if (s == 0) s = 1;
    }
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

template <class Fill>
void write_chunks(const std::filesystem::path& file, std::uint64_t size, Fill fill) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("create " + file.string() + ": " + std::strerror(errno));
    std::vector<char> buf(1 << 20);
    std::uint64_t left = size;
    while (left > 0) {
        std::size_t n = left < buf.size() ? static_cast<std::size_t>(left) : buf.size();
        fill(buf.data(), n);
        std::size_t off = 0;
        while (off < n) {
            ssize_t w = ::write(fd, buf.data() + off, n - off);
            if (w < 0) {
                if (errno == EINTR) continue;
                int e = errno;
                ::close(fd);
                throw std::runtime_error("write " + file.string() + ": " + std::strerror(e));
            }
            off += static_cast<std::size_t>(w);
        }
        left -= n;
    }
    if (::close(fd) != 0) throw std::runtime_error("close " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

void write_random_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed) {
    xorshift64 rng(seed);
    write_chunks(file, size, [&rng](char* p, std::size_t n) {
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t v = rng.next();
            std::memcpy(p + i, &v, 8);
        }
        if (i < n) {
            std::uint64_t v = rng.next();
            std::memcpy(p + i, &v, n - i);
        }
    });
}

void write_text_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed) {
    static const char* const words[] = {
        "layer", "manifest", "digest", "config", "index", "blob", "sha256", "gzip", "zstd",
        "tar", "export", "image", "store", "name", "platform", "linux", "amd64", "arm64",
        "container", "registry", "push", "pull", "mount", "snapshot", "entry", "header",
        "mode", "uid", "gid", "mtime", "xattr", "symlink", "hardlink", "fifo", "device"};
    constexpr std::size_t word_count = sizeof words / sizeof words[0];
    xorshift64 rng(seed);
    std::string pending;
    write_chunks(file, size, [&](char* p, std::size_t n) {
        while (pending.size() < n) {
            std::uint64_t v = rng.next();
            pending += words[v % word_count];
            pending += ((v >> 32) % 11 == 0) ? '\n' : ' ';
            if ((v >> 40) % 7 == 0) pending += std::to_string((v >> 20) & 0xffff);
        }
        std::memcpy(p, pending.data(), n);
        pending.erase(0, n);
    });
}

}  // namespace lading::test
