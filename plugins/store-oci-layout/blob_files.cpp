#include "blob_files.hpp"
#include "layout_directory.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdexcept>
#include <unistd.h>

namespace oci_layout {

bool valid_digest(const char* digest)
{
    if (!digest || std::strncmp(digest, "sha256:", 7) != 0 || std::strlen(digest) != 71) return false;
    for (const char* c = digest + 7; *c; ++c)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return false;
    return true;
}

blob_file_writer::blob_file_writer(const std::filesystem::path& root, durability kept)
    : root_(root), kept_(kept), temp_(root)
{
}

namespace {
constexpr std::uint64_t writeback_stretch = 8 << 20;
}

void blob_file_writer::write(const std::uint8_t* data, std::size_t len)
{
    temp_.write(data, len);
    written_ += len;
    if (kept_ == durability::flushed && written_ - written_back_ >= writeback_stretch) {
        temp_.start_writeback(written_back_, written_ - written_back_);
        written_back_ = written_;
    }
}

void blob_file_writer::commit(const std::string& digest)
{
    if (!valid_digest(digest.c_str())) throw std::runtime_error("refusing to store a blob under \"" + digest + "\"");
    temp_.commit_to(blob_path(root_, digest), kept_);
}

blob_file_reader::blob_file_reader(const std::filesystem::path& root, const std::string& digest)
{
    if (!valid_digest(digest.c_str())) throw std::runtime_error("\"" + digest + "\" is not a sha256 digest");
    path_ = blob_path(root, digest).string();
    fd_ = open_regular_in_layout(root, blob_relative_path(digest));
    if (fd_ < 0) throw_errno("cannot open " + path_);
}

blob_file_reader::~blob_file_reader()
{
    if (fd_ >= 0) ::close(fd_);
}

std::int64_t blob_file_reader::read(std::uint8_t* buf, std::size_t len)
{
    for (;;) {
        auto n = ::read(fd_, buf, len);
        if (n >= 0) return n;
        if (errno != EINTR) throw_errno("cannot read " + path_);
    }
}

}  // namespace oci_layout

namespace oci_layout {

void visit_blob_area(const std::filesystem::path& root,
                     const std::function<void(blob_area_entry, const std::string&, std::uint64_t)>& visit)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto blobs = root / "blobs";
    for (auto it = fs::directory_iterator(blobs, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code sec;
        const auto relative = fs::path("blobs") / it->path().filename();
        if (it->path().filename() != "sha256" || !it->is_directory(sec) || it->is_symlink(sec)) {
            visit(blob_area_entry::stray, relative.string(), 0);
            continue;
        }
        std::error_code inner;
        for (auto b = fs::directory_iterator(it->path(), inner); !inner && b != fs::directory_iterator(); b.increment(inner)) {
            const auto name = b->path().filename().string();
            struct stat st {};
            const bool regular = ::lstat(b->path().c_str(), &st) == 0 && S_ISREG(st.st_mode);
            const auto digest = "sha256:" + name;
            if (regular && valid_digest(digest.c_str()))
                visit(blob_area_entry::blob, digest, static_cast<std::uint64_t>(st.st_size));
            else
                visit(blob_area_entry::stray, (relative / name).string(), regular ? static_cast<std::uint64_t>(st.st_size) : 0);
        }
    }
}

std::optional<std::uint64_t> blob_file_size(const std::filesystem::path& root, const std::string& digest)
{
    int fd = open_in_layout(root, blob_relative_path(digest), O_RDONLY | O_NONBLOCK);
    // Absent (or a link in the way, which is never followed); anything else is a real error.
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) return std::nullopt;
    if (fd < 0) throw_errno("cannot look at " + blob_path(root, digest).string());
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!ok) return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace oci_layout
