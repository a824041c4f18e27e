#include "blob_files.hpp"
#include "layout_directory.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace oci_layout {

namespace {
std::atomic<unsigned long> temp_counter{0};
}

bool valid_digest(const char* digest)
{
    if (!digest || std::strncmp(digest, "sha256:", 7) != 0 || std::strlen(digest) != 71) return false;
    for (const char* c = digest + 7; *c; ++c)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return false;
    return true;
}

blob_file_writer::blob_file_writer(const std::filesystem::path& root) : root_(root)
{
    temp_ = temp_dir(root) / (std::to_string(::getpid()) + "-" + std::to_string(temp_counter++));
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot create " + temp_.string());
}

blob_file_writer::~blob_file_writer()
{
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
}

void blob_file_writer::write(const std::uint8_t* data, std::size_t len)
{
    while (len > 0) {
        auto n = ::write(fd_, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("cannot write " + temp_.string());
        }
        data += n;
        len -= static_cast<std::size_t>(n);
    }
}

void blob_file_writer::commit(const std::string& digest)
{
    if (!valid_digest(digest.c_str())) throw std::runtime_error("refusing to store a blob under \"" + digest + "\"");
    if (::fsync(fd_) != 0) throw_errno("cannot flush " + temp_.string());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno("cannot write " + temp_.string());
    auto target = blob_path(root_, digest);
    if (::rename(temp_.c_str(), target.c_str()) != 0) throw_errno("cannot store " + target.string());
    temp_.clear();
    fsync_directory(target.parent_path());
}

blob_file_reader::blob_file_reader(const std::filesystem::path& root, const std::string& digest)
{
    if (!valid_digest(digest.c_str())) throw std::runtime_error("\"" + digest + "\" is not a sha256 digest");
    path_ = blob_path(root, digest).string();
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
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
