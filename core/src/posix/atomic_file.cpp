#include "posix/atomic_file.hpp"
#include "posix/owner_lock.hpp"
#include <lading/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

namespace lading {

namespace {

// Writers of earlier releases held no lock: a temporary is only taken for abandoned once it
// has also been left untouched far longer than any such writer needed to rename it.
constexpr auto unlocked_writer_limit = std::chrono::minutes(1);

bool unchanged_for(const struct stat& st, std::chrono::seconds age)
{
    return std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec) > age;
}

void remove_abandoned_temporaries(int dir, const std::string& target)
{
    remove_abandoned(
        dir, [&](std::string_view name) { return is_replacement_temporary(name, target); },
        [](const struct stat& st) { return S_ISREG(st.st_mode) && unchanged_for(st, unlocked_writer_limit); });
}

std::string temporary_name(const std::string& target)
{
    // Unique even between processes of different PID namespaces that share the directory.
    static const auto salt = std::random_device{}();
    static std::atomic<unsigned> counter{0};
    return target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(salt) + "-" + std::to_string(counter++);
}

bool write_all(int fd, std::string_view content)
{
    std::size_t done = 0;
    while (done < content.size()) {
        auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::optional<std::string> read_small_file(const std::filesystem::path& path, std::size_t limit)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(limit + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad() || in.gcount() > static_cast<std::streamsize>(limit)) return std::nullopt;
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

bool is_replacement_temporary(std::string_view name, std::string_view target)
{
    const std::string prefix = std::string(target) + ".tmp-";
    if (!name.starts_with(prefix)) return false;
    name.remove_prefix(prefix.size());
    // Three runs of digits joined by dashes.
    int runs = 0;
    for (std::size_t i = 0;;) {
        const std::size_t start = i;
        while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
        if (i == start) return false;
        ++runs;
        if (i == name.size()) return runs == 3;
        if (name[i++] != '-') return false;
    }
}

void replace_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode,
                             replacement_durability durability)
{
    auto fail = [&](int e) { throw error("cannot write " + path.string() + ": " + std::strerror(e)); };
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    unpack::unique_fd dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) fail(errno);
    const auto target = path.filename().string();
    const auto tmp = temporary_name(target);
    unpack::unique_fd fd(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd) fail(errno);
    // Only a temporary untouched for a minute is ever taken for abandoned: this one is not.
    if (!take_owner_lock(fd.get(), dir.get(), tmp)) fail(ENOENT);
    remove_abandoned_temporaries(dir.get(), target);
    bool ok = write_all(fd.get(), content) &&
              (durability == replacement_durability::cache_only || ::fsync(fd.get()) == 0);
    if (!ok || ::renameat(dir.get(), tmp.c_str(), dir.get(), target.c_str()) != 0) {
        const int failure = errno;
        ::unlinkat(dir.get(), tmp.c_str(), 0);
        fail(failure);
    }
}

}  // namespace lading
