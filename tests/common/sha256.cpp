#include "sha256.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace lading::test {

namespace {

// The tests hash with OpenSSL's EVP interface directly, not through lading's own hasher, so
// an expected digest never comes from the code under test.
class evp_sha256 {
public:
    evp_sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free)
    {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("EVP sha256 init");
    }
    void update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
    std::string finish_hex()
    {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_.get(), md, &len);
        static const char* hex = "0123456789abcdef";
        std::string out;
        for (unsigned i = 0; i < len; ++i) {
            out += hex[md[i] >> 4];
            out += hex[md[i] & 15];
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace

std::string sha256_hex(std::string_view bytes)
{
    evp_sha256 hasher;
    hasher.update(bytes);
    return hasher.finish_hex();
}

std::string sha256_file_hex(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + std::strerror(errno));
    evp_sha256 hasher;
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
