#include "temporary_files.hpp"
#include "layout_directory.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <random>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oci_layout {

namespace {

std::atomic<unsigned long> temp_counter{0};

std::string unique_name()
{
    static const unsigned long long salt = std::random_device{}() * 0x100000000ull + std::random_device{}();
    char random[17];
    std::snprintf(random, sizeof random, "%016llx", salt ^ (temp_counter.load() * 0x9e3779b97f4a7c15ull));
    return std::to_string(::getpid()) + "-" + std::to_string(temp_counter++) + "-" + random;
}

enum class temporary_name { none, locked, legacy };

// "<digits>-<digits>-<16 hex>" names a temporary locked by its writer. "<pid>-<n>" is what
// releases before the lock wrote: their writers only ever decided liveness by the pid.
temporary_name name_form(std::string_view name)
{
    auto digits = [&](std::size_t& i) {
        std::size_t start = i;
        while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
        return i > start;
    };
    std::size_t i = 0;
    if (!digits(i) || i >= name.size() || name[i++] != '-') return temporary_name::none;
    if (!digits(i)) return temporary_name::none;
    if (i == name.size()) return temporary_name::legacy;
    if (name[i++] != '-' || name.size() - i != 16) return temporary_name::none;
    for (; i < name.size(); ++i)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f'))) return temporary_name::none;
    return temporary_name::locked;
}

// A legacy temporary's writer held no lock, so its lock is always free: it is abandoned
// only when the process its name gives is gone too (in this PID namespace, as those
// releases judged it themselves).
bool legacy_writer_alive(std::string_view name)
{
    const long pid = std::strtol(std::string(name.substr(0, name.find('-'))).c_str(), nullptr, 10);
    return pid > 0 && pid <= INT_MAX && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// Opens the temporary area itself, never through a symbolic link; -1 when it is missing.
int open_temp_area(const std::filesystem::path& root)
{
    int fd = ::open(temp_dir(root).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    // Missing, or not a directory (a link is never followed): there is nothing of ours in it.
    if (fd < 0 && errno != ENOENT && errno != ELOOP && errno != ENOTDIR)
        throw_errno("cannot open " + temp_dir(root).string());
    return fd;
}

}  // namespace

locked_temporary::locked_temporary(const std::filesystem::path& root)
{
    for (int attempt = 0;; ++attempt) {
        path_ = temp_dir(root) / unique_name();
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd_ < 0) throw_errno("cannot create " + path_.string());
        while (::flock(fd_, LOCK_EX) != 0)
            if (errno != EINTR) {
                int e = errno;
                ::unlink(path_.c_str());
                ::close(fd_);
                fd_ = -1;
                errno = e;
                throw_errno("cannot lock " + path_.string());
            }
        // A cleaner may have found the file in the instant before the lock and removed it.
        struct stat mine {}, named {};
        if (::fstat(fd_, &mine) == 0 && ::lstat(path_.c_str(), &named) == 0 && same_file(mine, named)) return;
        ::close(fd_);
        fd_ = -1;
        if (attempt == 5) throw std::runtime_error("cannot keep a temporary in " + temp_dir(root).string());
    }
}

locked_temporary::~locked_temporary()
{
    if (fd_ < 0) return;
    ::unlink(path_.c_str());  // before the lock goes with the descriptor
    ::close(fd_);
}

void locked_temporary::write(const std::uint8_t* data, std::size_t len)
{
    while (len > 0) {
        auto n = ::write(fd_, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("cannot write " + path_.string());
        }
        data += n;
        len -= static_cast<std::size_t>(n);
    }
}

void locked_temporary::start_writeback(std::uint64_t offset, std::uint64_t length)
{
    // Advisory: a failure only leaves the work to the fsync at commit.
    ::sync_file_range(fd_, static_cast<off64_t>(offset), static_cast<off64_t>(length), SYNC_FILE_RANGE_WRITE);
}

void locked_temporary::commit_to(const std::filesystem::path& target, durability kept)
{
    if (kept == durability::flushed && ::fsync(fd_) != 0) throw_errno("cannot flush " + path_.string());
    if (::rename(path_.c_str(), target.c_str()) != 0) throw_errno("cannot store " + target.string());
    int fd = fd_;
    fd_ = -1;
    ::close(fd);
    if (kept == durability::flushed) fsync_directory(target.parent_path());
}

namespace {

// Calls take(dir, name, st, free) for each regular file under .lading-tmp with a temporary's
// name, opened without following a link and with its lock attempted: `free` says whether
// the lock was won (nobody holds the file) and, for a legacy name, its process is gone.
void for_each_temporary(const std::filesystem::path& root,
                        const std::function<void(int dir, const std::string& name, const struct stat& st, bool free)>& take)
{
    int dir = open_temp_area(root);
    if (dir < 0) return;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(temp_dir(root), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        auto name = it->path().filename().string();
        const auto form = name_form(name);
        if (form == temporary_name::none) continue;
        int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            take(dir, name, st,
                 ::flock(fd, LOCK_EX | LOCK_NB) == 0 && (form == temporary_name::locked || !legacy_writer_alive(name)));
        ::close(fd);
    }
    ::close(dir);
}

}  // namespace

void visit_temporaries(const std::filesystem::path& root,
                       const std::function<void(const std::string&, temporary_state, std::uint64_t)>& visit)
{
    for_each_temporary(root, [&](int, const std::string& name, const struct stat& st, bool free) {
        visit(name, free ? temporary_state::abandoned : temporary_state::in_use, static_cast<std::uint64_t>(st.st_size));
    });
}

void remove_abandoned_temporaries(const std::filesystem::path& root)
{
    for_each_temporary(root, [](int dir, const std::string& name, const struct stat& locked, bool free) {
        // Holding the lock, unlink only the very file that was locked.
        struct stat named {};
        if (free && ::fstatat(dir, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 && same_file(locked, named))
            ::unlinkat(dir, name.c_str(), 0);
    });
}

}  // namespace oci_layout
