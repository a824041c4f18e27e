#include <lading/error.hpp>
#include "posix/owner_lock.hpp"
#include "unpack/rootfs_staging.hpp"
#include "posix/tree_removal.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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

void remove_in(const fs::path& dir, const std::string& name)
{
    unique_fd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (fd) remove_tree_at(fd.get(), name);
}

}  // namespace

void remove_stale_staging(const fs::path& holders)
{
    std::error_code ec;
    for (auto it = fs::directory_iterator(holders, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        unique_fd dir(::open(it->path().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (dir) remove_abandoned_directories(dir.get(), is_staging_name);
    }
}

rootfs_staging::rootfs_staging(const fs::path& area, const fs::path& rootfs) : rootfs_(area / rootfs)
{
    const auto parent = rootfs_.parent_path();
    std::vector<fs::path> above{area};  // the directories to the parent, outermost first
    for (const auto& component : rootfs.parent_path()) above.push_back(above.back() / component);
    // Another process may remove empty parents it created just before mkdtemp: try again.
    for (int attempt = 0;; ++attempt) {
        for (const auto& p : above) {
            // The area is private, as containerd keeps its snapshots.
            if (::mkdir(p.c_str(), p == area ? 0700 : 0755) == 0) created_.push_back(p);
            else if (errno != EEXIST) {
                auto e = errno;
                discard();
                errno = e;
                fail_errno("create", p);
            }
        }
        std::string name = (parent / temporary_prefix).string() + std::to_string(::getpid()) + "-XXXXXX";
        if (::mkdtemp(name.data())) {
            temporary_ = name;
            break;
        }
        if (errno != ENOENT || attempt == 3) {
            auto e = errno;
            discard();
            errno = e;
            fail_errno("create a temporary directory in", parent);
        }
    }
    fd_ = unique_fd(::open(temporary_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    unique_fd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd_ || !parent_fd) {
        auto e = errno;
        discard();
        errno = e;
        fail_errno("open", temporary_);
    }
    // Locked for as long as it exists; a cleaner that got to it first leaves nothing to use.
    if (!take_owner_lock(fd_.get(), parent_fd.get(), temporary_.filename().string())) {
        discard();
        throw error("cannot keep a temporary directory in " + parent.string() + ": another process removed it");
    }
}

rootfs_staging::~rootfs_staging()
{
    if (!committed_) discard();
}

void rootfs_staging::discard() noexcept
{
    try {
        if (!temporary_.empty()) remove_in(temporary_.parent_path(), temporary_.filename().string());
    } catch (const error&) {
        // Left for the next unpack's stale-temporary cleanup.
    }
    fd_.reset();  // the lock goes last
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) ::rmdir(it->c_str());
    created_.clear();
}

bool rootfs_staging::commit()
{
    // Everything written must be on disk before the name says the rootfs is complete.
    if (::syncfs(fd_.get()) != 0) fail_errno("flush", temporary_);
    if (::rename(temporary_.c_str(), rootfs_.c_str()) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) fail_errno("rename " + temporary_.string() + " to", rootfs_);
        return false;  // the destructor removes this copy
    }
    fd_.reset();  // renamed while locked: no cleaner can take it for abandoned
    committed_ = true;
    unique_fd parent(::open(rootfs_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (parent) ::fsync(parent.get());
    return true;
}

}  // namespace lading::unpack
