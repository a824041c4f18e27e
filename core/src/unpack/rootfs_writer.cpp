#include <lading/error.hpp>
#include "unpack/confined_path.hpp"
#include "unpack/rootfs_writer.hpp"
#include "posix/tree_removal.hpp"
#include "posix/unique_fd.hpp"
#include "unpack/whiteouts.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

namespace lading::unpack {

namespace {

[[noreturn]] void fail_errno(const std::string& what) { throw error(what + ": " + std::strerror(errno)); }

timespec mtime_of(const tar::read_entry& e)
{
    return {static_cast<time_t>(e.header.mtime), static_cast<long>(e.mtime_nanoseconds)};
}

bool is_estargz_metadata(std::string_view name)
{
    return name == "stargz.index.json" || name == ".prefetch.landmark" || name == ".no.prefetch.landmark";
}

void write_all(int fd, const std::uint8_t* data, std::size_t size)
{
    while (size > 0) {
        auto n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_errno("cannot write the file");
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

// Without the right to set them, setuid/setgid/sticky are dropped and the rest kept.
template <class Chmod>
void set_mode(std::uint32_t mode, Chmod chmod)
{
    if (chmod(mode) == 0) return;
    if (errno == EPERM && (mode & 07000) && chmod(mode & 0777) == 0) return;
    fail_errno("cannot set the mode");
}

// Roughly what a set or map node and its string header take beside the path's bytes.
constexpr std::uint64_t bookkeeping_per_path = 64;
std::uint64_t kept_size(const std::string& path) { return path.size() + bookkeeping_per_path; }

}  // namespace

rootfs_writer::rootfs_writer(int root_fd, bool as_root, resolution_limits limits)
    : root_fd_(root_fd), as_root_(as_root), limits_(limits), budget_(limits), chain_(root_fd), buffer_(1u << 20)
{
    remember_directory("", {});  // 0755 unless a layer has an entry for the root itself
}

void rootfs_writer::count_kept(std::uint64_t bytes)
{
    kept_bytes_ += bytes;
    if (kept_bytes_ > limits_.kept_path_bytes)
        throw error("the image's paths need more than " + std::to_string(limits_.kept_path_bytes >> 20) +
                    " MiB to keep track of while unpacking (directories nested deep under long names)");
}

void rootfs_writer::remember_directory(const std::string& path, dir_attributes attributes)
{
    auto [it, inserted] = directories_.insert_or_assign(path, attributes);
    if (inserted) count_kept(kept_size(path));
}

void rootfs_writer::apply_layer(tar::tar_reader& layer, const std::string& what, const layer_options& options)
{
    forget_added();
    budget_ = resolution_budget(limits_);
    std::uint64_t layer_bytes = 0;
    while (auto e = layer.next()) {
        try {
            layer_bytes = layer.entry_offset() + tar::block_size;
            budget_.start_entry(layer_bytes);
            apply_entry(*e, layer, options);
        } catch (const error& err) {
            if (content_failed_) throw;  // the stream's own error already says what failed
            throw error(what + ": entry " + tar::printable_name(e->header.name) + ": " + err.what());
        }
        ++counts_.entries;
    }
    bytes_applied_ += layer_bytes;
    forget_added();
}

void rootfs_writer::forget_added()
{
    added_.clear();
    kept_bytes_ -= added_bytes_;
    added_bytes_ = 0;
}

void rootfs_writer::apply_entry(const tar::read_entry& e, tar::tar_reader& layer, const layer_options& options)
{
    const auto& h = e.header;
    auto components = clean_components(h.name);
    if (components.empty()) return apply_root_entry(e);
    if (options.skip_estargz_metadata && components.size() == 1 && is_estargz_metadata(components[0])) return;
    std::string base = std::move(components.back());
    components.pop_back();
    if (classify_whiteout(base).kind != whiteout_kind::none) return apply_whiteout(components, base);

    std::vector<std::string> created;
    const auto dir = chain_.open(components, budget_, created);
    for (const auto& c : created) remember_directory(c, {});
    const int dir_fd = dir.fd;
    const std::string path = join_path(dir.path, base);

    if (h.type == tar::entry_type::regular) {
        // Most files are new: creating first saves looking the name up.
        auto fd = create_file(dir_fd, base);
        if (!fd && errno == EEXIST) {
            replace_existing(dir_fd, base, path);
            fd = create_file(dir_fd, base);
        }
        if (!fd) fail_errno("cannot create the file");
        write_regular(fd.get(), dir_fd, base, e, layer);
        note_added(path);
        return;
    }

    // Whatever is there goes, unless a directory meets a directory: then only the
    // attributes change.
    struct stat st {};
    const bool exists = ::fstatat(dir_fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (!exists && errno != ENOENT) fail_errno("cannot look up " + tar::printable_name(path));
    const bool keep_directory = exists && S_ISDIR(st.st_mode) && h.type == tar::entry_type::directory;
    if (exists && !keep_directory) replace_existing(dir_fd, base, path);

    const timespec times[2] = {mtime_of(e), mtime_of(e)};
    switch (h.type) {
    case tar::entry_type::regular: break;  // done above
    case tar::entry_type::directory:
        if (!keep_directory && ::mkdirat(dir_fd, base.c_str(), 0700) != 0) fail_errno("cannot create the directory");
        set_owner(dir_fd, base, h);
        set_xattrs(dir_fd, base, h);
        remember_directory(path, {h.mode, mtime_of(e)});
        break;
    case tar::entry_type::symlink:
        if (::symlinkat(h.link_name.c_str(), dir_fd, base.c_str()) != 0) fail_errno("cannot create the symlink");
        set_owner(dir_fd, base, h);
        set_xattrs(dir_fd, base, h);
        if (::utimensat(dir_fd, base.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("cannot set the mtime");
        break;
    case tar::entry_type::hardlink: make_hardlink(dir_fd, base, h); break;
    case tar::entry_type::fifo:
    case tar::entry_type::char_device:
    case tar::entry_type::block_device: {
        const mode_t kind = h.type == tar::entry_type::fifo          ? S_IFIFO
                            : h.type == tar::entry_type::char_device ? S_IFCHR
                                                                     : S_IFBLK;
        if (kind != S_IFIFO && !as_root_) {
            ++counts_.devices_skipped;
            return;
        }
        if (::mknodat(dir_fd, base.c_str(), kind | 0600, makedev(h.dev_major, h.dev_minor)) != 0) {
            if (kind != S_IFIFO && (errno == EPERM || errno == EACCES)) {
                ++counts_.devices_skipped;
                return;
            }
            fail_errno("cannot create the node");
        }
        set_owner(dir_fd, base, h);
        // mknodat made a node, never a symlink, so following the name is safe here.
        set_mode(h.mode, [&](std::uint32_t m) { return ::fchmodat(dir_fd, base.c_str(), m, 0); });
        set_xattrs(dir_fd, base, h);
        if (::utimensat(dir_fd, base.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("cannot set the mtime");
        break;
    }
    }
    note_added(path);
}

void rootfs_writer::apply_root_entry(const tar::read_entry& e)
{
    if (e.header.type != tar::entry_type::directory) throw error("only a directory can stand for the root of the image");
    // The owner is set by finish(): until then the temporary stays this user's, so that the
    // cleanup after a killed unpack (which removes only its own user's) still finds it.
    root_owner_ = e.header;
    set_xattrs(root_fd_, ".", e.header);
    remember_directory("", {e.header.mode, mtime_of(e)});
}

void rootfs_writer::apply_whiteout(const std::vector<std::string>& parent, const std::string& base)
{
    const auto w = classify_whiteout(base);
    if (w.kind == whiteout_kind::metadata) return;
    auto dir = open_confined_dir(root_fd_, parent, {.budget = &budget_});
    if (!dir) return;  // the layers below have nothing there to hide
    if (w.kind == whiteout_kind::opaque) {
        chain_.forget(dir->path);  // no descriptors held below it while it is emptied
        remove_lower_entries(dir->fd.get(), dir->path, added_, [&](const std::string& p) { forget_below(p); }, budget_);
        note_added(dir->path);
        return;
    }
    const auto path = join_path(dir->path, w.target);
    if (added_.count(path)) return;  // a whiteout hides the layers below, never its own layer's entries
    // Forgotten first: the directories held open below it and the removal's own descriptors
    // would otherwise add up past the open-file limit for a tree 512 levels deep.
    forget_below(path);
    remove_tree_at(dir->fd.get(), w.target);
}

unique_fd rootfs_writer::create_file(int dir_fd, const std::string& name)
{
    return unique_fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
}

void rootfs_writer::replace_existing(int dir_fd, const std::string& name, const std::string& path)
{
    forget_below(path);  // first, as for a whiteout
    remove_tree_at(dir_fd, name);
}

void rootfs_writer::write_regular(int fd, int dir_fd, const std::string& name, const tar::read_entry& e,
                                  tar::tar_reader& layer)
{
    for (;;) {
        std::size_t n = 0;
        try {
            n = layer.read_content(buffer_);
        } catch (const error&) {
            content_failed_ = true;
            throw;
        }
        if (n == 0) break;
        write_all(fd, buffer_.data(), n);
    }
    // The owner first: chown clears setuid and setgid.
    set_owner(dir_fd, name, e.header);
    set_mode(e.header.mode, [&](std::uint32_t m) { return ::fchmod(fd, m); });
    set_xattrs(dir_fd, name, e.header);
    const timespec times[2] = {mtime_of(e), mtime_of(e)};
    if (::futimens(fd, times) != 0) fail_errno("cannot set the mtime");
}

void rootfs_writer::make_hardlink(int dir_fd, const std::string& name, const tar::entry& h)
{
    auto target = clean_components(h.link_name);
    if (target.empty()) throw error("the hardlink has no target");
    const std::string target_name = target.back();
    target.pop_back();
    auto target_dir = open_confined_dir(root_fd_, target, {.budget = &budget_});
    struct stat st {};
    if (!target_dir || ::fstatat(target_dir->fd.get(), target_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw error("the hardlink target " + tar::printable_name(h.link_name) +
                    " is not in the image (a target must come before its links)");
    if (S_ISDIR(st.st_mode)) throw error("the hardlink target " + tar::printable_name(h.link_name) + " is a directory");
    if (::linkat(target_dir->fd.get(), target_name.c_str(), dir_fd, name.c_str(), 0) != 0)
        fail_errno("cannot create the hardlink");
}

void rootfs_writer::set_owner(int dir_fd, const std::string& name, const tar::entry& h)
{
    if (!as_root_) return;
    if (h.uid >= 0xffffffffu || h.gid >= 0xffffffffu) {
        ++counts_.owners_skipped;
        return;
    }
    if (::fchownat(dir_fd, name.c_str(), static_cast<uid_t>(h.uid), static_cast<gid_t>(h.gid), AT_SYMLINK_NOFOLLOW) == 0)
        return;
    if (errno != EINVAL && errno != EPERM) fail_errno("cannot set the owner");
    ++counts_.owners_skipped;  // an id this user namespace does not map
}

void rootfs_writer::set_xattrs(int dir_fd, const std::string& name, const tar::entry& h)
{
    if (h.xattrs.empty()) return;
    // The directory's descriptor pins where the name is looked up; l*xattr does not follow
    // the name itself when it is a symlink.
    const auto path = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
    for (const auto& [key, value] : h.xattrs)
        if (::lsetxattr(path.c_str(), key.c_str(), value.data(), value.size(), 0) != 0) ++counts_.xattrs_skipped;
}

void rootfs_writer::note_added(const std::string& path)
{
    // Every parent of a path in the set is in the set, so the walk up stops at the first known one.
    for (std::string p = path;;) {
        if (!added_.insert(p).second) return;
        added_bytes_ += kept_size(p);
        count_kept(kept_size(p));
        if (p.empty()) return;
        auto slash = p.rfind('/');
        p = slash == std::string::npos ? std::string() : p.substr(0, slash);
    }
}

void rootfs_writer::forget_below(const std::string& path)
{
    chain_.forget(path);
    if (directories_.erase(path)) kept_bytes_ -= kept_size(path);
    const auto prefix = path + "/";
    for (auto it = directories_.lower_bound(prefix); it != directories_.end() && it->first.starts_with(prefix);) {
        kept_bytes_ -= kept_size(it->first);
        it = directories_.erase(it);
    }
}

void rootfs_writer::finish()
{
    // Reverse order visits "a/b" before "a": children are done before their parent's
    // mode can lock them away and before its mtime is set.
    resolution_budget budget(limits_);
    for (auto it = directories_.rbegin(); it != directories_.rend(); ++it) {
        const auto& [path, attributes] = *it;
        if (path.empty()) {
            // The owner first: chown clears setuid and setgid.
            if (root_owner_) set_owner(root_fd_, ".", *root_owner_);
            set_mode(attributes.mode, [&](std::uint32_t m) { return ::fchmod(root_fd_, m); });
            if (attributes.mtime) {
                const timespec times[2] = {*attributes.mtime, *attributes.mtime};
                if (::futimens(root_fd_, times) != 0) fail_errno("cannot set the mtime of the root");
            }
            continue;
        }
        auto components = clean_components(path);
        const std::string name = components.back();
        components.pop_back();
        try {
            budget.start_entry(bytes_applied_);
            auto parent = open_confined_dir(root_fd_, components, {.follow_symlinks = false, .budget = &budget});
            struct stat st {};
            if (!parent || ::fstatat(parent->fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                !S_ISDIR(st.st_mode))
                continue;
            set_mode(attributes.mode, [&](std::uint32_t m) { return ::fchmodat(parent->fd.get(), name.c_str(), m, 0); });
            if (attributes.mtime) {
                const timespec times[2] = {*attributes.mtime, *attributes.mtime};
                if (::utimensat(parent->fd.get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
                    fail_errno("cannot set the mtime");
            }
        } catch (const error& e) {
            throw error("directory " + tar::printable_name(path) + ": " + e.what());
        }
    }
}

}  // namespace lading::unpack
