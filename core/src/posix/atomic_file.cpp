#include "posix/atomic_file.hpp"
#include <lading/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

namespace lading {

void replace_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode)
{
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    // Unique even between processes of different PID namespaces that share the directory.
    static const auto salt = std::random_device{}();
    static std::atomic<unsigned> counter{0};
    auto tmp = path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(salt) + "-" +
               std::to_string(counter++);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) throw error("cannot write " + path.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    bool ok = true;
    while (ok && done < content.size()) {
        auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int failure = errno;
        ::unlink(tmp.c_str());
        throw error("cannot write " + path.string() + ": " + std::strerror(failure));
    }
}

}  // namespace lading
