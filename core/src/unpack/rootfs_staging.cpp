#include <lading/error.hpp>
#include "posix/owner_lock.hpp"
#include "unpack/rootfs_staging.hpp"
#include "posix/tree_removal.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace lading::unpack {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view temporary_prefix = "rootfs.tmp-";

[[noreturn]] void fail_errno(const std::string& what, const fs::path& p)
{
    throw error("cannot " + what + " " + p.string() + ": " + std::strerror(errno));
}

bool is_staging_name(std::string_view name) { return name.starts_with(temporary_prefix); }

unique_fd open_directory_at(int dir, const std::string& name)
{
    return unique_fd(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

[[noreturn]] void not_private(const fs::path& area, const std::string& found)
{
    throw error("the unpack area " + area.string() + " is not a private directory of this user (" + found +
                "); lading unpacks only where other users cannot reach: fix or remove it");
}

std::string random_suffix()
{
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::random_device device;
    std::string s(6, ' ');
    for (auto& c : s) c = letters[device() % (sizeof letters - 1)];
    return s;
}

}  // namespace

private_area open_private_area(const fs::path& area)
{
    private_area opened;
    auto& fd = opened.fd;
    fd = unique_fd(::open(area.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == ENOENT) {
        // The area is private, as containerd keeps its snapshots.
        opened.created = ::mkdir(area.c_str(), 0700) == 0;
        if (!opened.created && errno != EEXIST) fail_errno("create", area);
        fd = unique_fd(::open(area.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!fd) {
        if (errno == ELOOP) not_private(area, "a symbolic link");
        if (errno == ENOTDIR) not_private(area, "not a directory");
        fail_errno("open the unpack area", area);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail_errno("look at the unpack area", area);
    if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
        not_private(area, "owner " + std::to_string(st.st_uid) + ", mode " +
                              (std::ostringstream() << std::oct << (st.st_mode & 07777)).str());
    return opened;
}

void remove_stale_staging(int area, const std::string& holders)
{
    unique_fd holders_fd = open_directory_at(area, holders);
    if (!holders_fd) return;
    DIR* listing = ::fdopendir(::dup(holders_fd.get()));
    if (!listing) return;
    std::vector<std::string> names;
    while (auto* e = ::readdir(listing))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    ::closedir(listing);
    for (const auto& name : names) {
        if (auto dir = open_directory_at(holders_fd.get(), name)) remove_abandoned_directories(dir.get(), is_staging_name);
        // A holder left empty (its unpack was killed before it had a temporary, or its
        // temporaries just went) goes too; one that holds anything stays (ENOTEMPTY). An unpack
        // that made it a moment ago and finds it gone makes it again.
        ::unlinkat(holders_fd.get(), name.c_str(), AT_REMOVEDIR);
    }
}

rootfs_staging::rootfs_staging(int area_fd, const fs::path& area, const fs::path& rootfs)
    : rootfs_path_(area / rootfs), rootfs_name_(rootfs.filename().string()), area_fd_(area_fd)
{
    const auto parent = rootfs.parent_path();
    // Another process may remove empty parents it created just before the temporary: try again.
    for (int attempt = 0;; ++attempt) {
        int at = area_fd_;
        auto where = area;
        bool gone = false;
        for (const auto& component : parent) {
            where /= component;
            const auto name = component.string();
            bool created = ::mkdirat(at, name.c_str(), 0755) == 0;
            if (!created && errno != EEXIST) {
                auto e = errno;
                discard();
                errno = e;
                fail_errno("create", where);
            }
            auto fd = open_directory_at(at, name);
            if (!fd) {
                auto e = errno;
                discard();
                if (e == ENOENT) {
                    gone = true;
                    break;
                }
                errno = e;
                fail_errno("open", where);
            }
            at = fd.get();
            chain_.push_back({std::move(fd), name, created});
        }
        if (!gone) {
            temporary_name_ = std::string(temporary_prefix) + std::to_string(::getpid()) + "-" + random_suffix();
            if (::mkdirat(at, temporary_name_.c_str(), 0700) == 0) break;
            auto e = errno;
            temporary_name_.clear();
            discard();
            if (e != ENOENT && e != EEXIST) {
                errno = e;
                fail_errno("create a temporary directory in", rootfs_path_.parent_path());
            }
        }
        if (attempt == 3) throw error("cannot create a temporary directory in " + rootfs_path_.parent_path().string() +
                                      ": its directories keep disappearing");
    }
    const int parent_fd = chain_.back().fd.get();
    fd_ = open_directory_at(parent_fd, temporary_name_);
    if (!fd_) {
        auto e = errno;
        discard();
        errno = e;
        fail_errno("open", rootfs_path_.parent_path() / temporary_name_);
    }
    // Locked for as long as it exists; a cleaner that got to it first leaves nothing to use.
    if (!take_owner_lock(fd_.get(), parent_fd, temporary_name_)) {
        discard();
        throw error("cannot keep a temporary directory in " + rootfs_path_.parent_path().string() +
                    ": another process removed it");
    }
}

rootfs_staging::~rootfs_staging()
{
    if (!committed_) discard();
}

void rootfs_staging::discard() noexcept
{
    try {
        if (!temporary_name_.empty() && !chain_.empty()) remove_tree_at(chain_.back().fd.get(), temporary_name_);
    } catch (const error&) {
        // Left for the next unpack's stale-temporary cleanup.
    }
    temporary_name_.clear();
    fd_.reset();  // the lock goes last
    // Innermost first: each created directory is removed from the one before it (if empty).
    for (std::size_t i = chain_.size(); i-- > 0;) {
        if (!chain_[i].created) continue;
        const int in = i == 0 ? area_fd_ : chain_[i - 1].fd.get();
        chain_[i].fd.reset();
        ::unlinkat(in, chain_[i].name.c_str(), AT_REMOVEDIR);
    }
    chain_.clear();
}

bool rootfs_staging::commit()
{
    const int parent_fd = chain_.back().fd.get();
    // Everything written must be on disk before the name says the rootfs is complete.
    if (::syncfs(fd_.get()) != 0) fail_errno("flush", rootfs_path_.parent_path() / temporary_name_);
    if (::renameat(parent_fd, temporary_name_.c_str(), parent_fd, rootfs_name_.c_str()) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY)
            fail_errno("rename " + (rootfs_path_.parent_path() / temporary_name_).string() + " to", rootfs_path_);
        return false;  // the destructor removes this copy
    }
    fd_.reset();  // renamed while locked: no cleaner can take it for abandoned
    committed_ = true;
    ::fsync(parent_fd);
    return true;
}

}  // namespace lading::unpack
