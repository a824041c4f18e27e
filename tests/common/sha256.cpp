#include "sha256.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

namespace lading::test {

namespace {

struct md_ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    md_ctx() {
        if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
    }
    ~md_ctx() { EVP_MD_CTX_free(ctx); }
    void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx, p, n); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx, md, &len);
        static const char digits[] = "0123456789abcdef";
        std::string out;
        out.reserve(len * 2);
        for (unsigned i = 0; i < len; ++i) {
            out += digits[md[i] >> 4];
            out += digits[md[i] & 15];
        }
        return out;
    }
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    md_ctx ctx;
    ctx.update(bytes.data(), bytes.size());
    return ctx.hex();
}

std::string sha256_file_hex(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + std::strerror(errno));
    md_ctx ctx;
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
        ctx.update(buf.get(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return ctx.hex();
}

}  // namespace lading::test
