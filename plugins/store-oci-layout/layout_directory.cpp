#include "layout_directory.hpp"
#include "index_file.hpp"
#include "temporary_files.hpp"

#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oci_layout {

namespace {
constexpr std::string_view layout_marker = R"({"imageLayoutVersion":"1.0.0"})";
constexpr std::string_view empty_index =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";

bool exists_in_layout(const fs::path& root, const fs::path& relative)
{
    struct stat st {};
    return ::fstatat(AT_FDCWD, (root / relative).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// A directory of the layout: created when missing, refused when it is a link or a file.
// True when it was created here: its parent must then be flushed for the entry to last.
bool ensure_real_directory(const fs::path& root, const fs::path& relative)
{
    auto p = root / relative;
    const bool created = ::mkdir(p.c_str(), 0755) == 0;
    if (created || errno == EEXIST) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) throw_errno("cannot look at " + p.string());
        if (!S_ISDIR(st.st_mode))
            throw std::runtime_error(p.string() + " is not a directory (lading does not follow links inside a store)");
        return created;
    }
    throw_errno("cannot create " + p.string());
}

void check_marker(const fs::path& root)
{
    boost::system::error_code jec;
    auto v = boost::json::parse(read_layout_file(root, "oci-layout"), jec);
    if (jec || !v.is_object() || !v.as_object().contains("imageLayoutVersion"))
        throw std::runtime_error(root.string() + " is not an OCI image layout: its oci-layout file is invalid");
}

// index.json, oci-layout and records: a layout from elsewhere (a base image) must not make
// lading read a file of any size into memory. An index of a million names fits.
constexpr std::size_t max_layout_file = 256u << 20;

[[noreturn]] void too_large(int fd, const fs::path& path)
{
    ::close(fd);
    throw std::runtime_error(path.string() + " is larger than " + std::to_string(max_layout_file >> 20) +
                             " MiB; lading does not read such a layout file");
}

// Reads the rest of fd and closes it.
std::string read_whole(int fd, const fs::path& path)
{
    struct stat st {};
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > max_layout_file) too_large(fd, path);
    std::string out;
    char buf[65536];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            errno = e;
            throw_errno("cannot read " + path.string());
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_layout_file) too_large(fd, path);
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}
}  // namespace

void throw_errno(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

fs::path temp_dir(const fs::path& root) { return root / ".lading-tmp"; }

fs::path blob_relative_path(std::string_view digest) { return fs::path("blobs") / "sha256" / std::string(digest.substr(7)); }

fs::path blob_path(const fs::path& root, std::string_view digest) { return root / blob_relative_path(digest); }

int open_in_layout(const fs::path& root, const fs::path& relative, int flags)
{
    int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -1;
    auto last = std::prev(relative.end());
    for (auto it = relative.begin(); it != relative.end(); ++it) {
        const bool leaf = it == last;
        int next = ::openat(dir, it->c_str(), (leaf ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        ::close(dir);
        if (next < 0) {
            errno = e;
            return -1;
        }
        dir = next;
    }
    return dir;
}

int open_regular_in_layout(const fs::path& root, const fs::path& relative)
{
    // Non-blocking, so that a FIFO (from an untrusted layout) cannot hold the open forever.
    int fd = open_in_layout(root, relative, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::runtime_error((root / relative).string() +
                                 " is not a regular file (lading reads only regular files inside a store)");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

std::string read_layout_file(const fs::path& root, const fs::path& relative)
{
    int fd = open_regular_in_layout(root, relative);
    if (fd < 0) throw_errno("cannot read " + (root / relative).string());
    return read_whole(fd, root / relative);
}

std::optional<std::string> read_layout_file_if_present(const fs::path& root, const fs::path& relative)
{
    int fd = open_regular_in_layout(root, relative);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) return std::nullopt;
    if (fd < 0) throw_errno("cannot read " + (root / relative).string());
    return read_whole(fd, root / relative);
}

bool remove_layout_file(const fs::path& root, const fs::path& relative)
{
    const auto parent = relative.parent_path();
    int dir = parent.empty() ? ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                             : open_in_layout(root, parent, O_RDONLY | O_DIRECTORY);
    if (dir < 0 && (errno == ENOENT || errno == ENOTDIR)) return false;
    if (dir < 0) throw_errno("cannot open " + (root / parent).string());
    const int r = ::unlinkat(dir, relative.filename().c_str(), 0);
    const int e = errno;
    ::close(dir);
    if (r == 0) return true;
    if (e == ENOENT) return false;
    errno = e;
    throw_errno("cannot remove " + (root / relative).string());
}

void ensure_layout_directories(const fs::path& root, const fs::path& relative)
{
    fs::path partial;
    for (const auto& component : relative) {
        const auto parent = partial;
        partial /= component;
        if (ensure_real_directory(root, partial)) fsync_directory(root / parent);
    }
}

void fsync_directory(const fs::path& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot open " + dir.string());
    // (EINVAL: a filesystem that cannot flush directories; there is nothing more to do.)
    if (::fsync(fd) != 0 && errno != EINVAL) {
        auto e = errno;
        ::close(fd);
        errno = e;
        throw_errno("cannot flush " + dir.string());
    }
    ::close(fd);
}

void replace_file_atomically(const fs::path& root, const fs::path& target, std::string_view bytes, durability kept)
{
    locked_temporary temp(root);
    temp.write(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    temp.commit_to(target, kept);
}

index_lock::index_lock(const fs::path& root)
{
    auto file = root / ".index.json.lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot open lock " + file.string());
    while (::flock(fd_, LOCK_EX) != 0)
        if (errno != EINTR) {
            auto e = errno;
            ::close(fd_);
            errno = e;
            throw_errno("cannot lock " + file.string());
        }
}

index_lock::~index_lock() { ::close(fd_); }

void prepare_layout(const fs::path& root, durability kept)
{
    // What is there is checked before anything is added: a directory that is not a layout
    // (or whose index is damaged) is refused unchanged.
    if (exists_in_layout(root, "oci-layout")) check_marker(root);
    if (exists_in_layout(root, "index.json")) check_index(root);

    const bool flush = kept == durability::flushed;
    // Every directory created on the way to root is flushed into its parent.
    auto absolute = fs::absolute(root).lexically_normal();
    if (!absolute.has_filename()) absolute = absolute.parent_path();
    auto existing = absolute;
    while (!fs::exists(existing) && existing.has_relative_path()) existing = existing.parent_path();
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) throw std::runtime_error("cannot create " + root.string() + ": " + ec.message());
    for (auto created = absolute; flush && created != existing; created = created.parent_path())
        fsync_directory(created.parent_path());
    bool root_changed = ensure_real_directory(root, "blobs");
    if (ensure_real_directory(root, fs::path("blobs") / "sha256") && flush) fsync_directory(root / "blobs");
    root_changed = ensure_real_directory(root, ".lading-tmp") || root_changed;
    if (root_changed && flush) fsync_directory(root);

    {
        index_lock lock(root);
        if (!exists_in_layout(root, "oci-layout")) replace_file_atomically(root, root / "oci-layout", layout_marker, kept);
        if (!exists_in_layout(root, "index.json")) replace_file_atomically(root, root / "index.json", empty_index, kept);
    }
    check_marker(root);
    remove_abandoned_temporaries(root);
}

void check_layout(const fs::path& root)
{
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0 && errno == ENOENT)
        throw std::runtime_error(root.string() + " does not exist (nothing was exported there yet)");
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw std::runtime_error(root.string() + " is not a directory");
    if (!exists_in_layout(root, "index.json"))
        throw std::runtime_error(root.string() + " is not an OCI image layout (no index.json)");
    check_marker(root);
}

}  // namespace oci_layout
