#include "sha256.hpp"

#include <lading/formats/sha256.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace lading::test {

std::string sha256_hex(std::string_view bytes) { return formats::sha256_hex(bytes); }

std::string sha256_file_hex(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + std::strerror(errno));
    formats::sha256 hasher;
    std::unique_ptr<char[]> buf(new char[1 << 20]);
    for (;;) {
        ssize_t n = ::read(fd, buf.get(), 1 << 20);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            throw std::runtime_error("read " + file.string() + ": " + std::strerror(e));
        }
        if (n == 0) break;
        hasher.update(std::string_view(buf.get(), static_cast<std::size_t>(n)));
    }
    ::close(fd);
    return hasher.finish_hex();
}

}  // namespace lading::test
