#include "layout_directory.hpp"

#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace oci_layout {

namespace {
constexpr std::string_view layout_marker = R"({"imageLayoutVersion":"1.0.0"})";
constexpr std::string_view empty_index =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";

std::string read_all(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw_errno("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// Temporary files are named "<pid>-<n>"; those of dead processes are leftovers of a crash.
void remove_stale_temporaries(const fs::path& dir)
{
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        auto name = it->path().filename().string();
        long pid = std::strtol(name.c_str(), nullptr, 10);
        if (!process_alive(pid)) fs::remove(it->path(), ec);
    }
}
}  // namespace

void throw_errno(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

fs::path temp_dir(const fs::path& root) { return root / ".lading-tmp"; }

fs::path blob_path(const fs::path& root, std::string_view digest)
{
    return root / "blobs" / "sha256" / std::string(digest.substr(7));
}

void fsync_directory(const fs::path& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot open " + dir.string());
    ::fsync(fd);
    ::close(fd);
}

void replace_file_atomically(const fs::path& target, std::string_view bytes)
{
    auto tmp = target.parent_path() / ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("cannot create " + tmp.string());
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            errno = e;
            throw_errno("cannot write " + tmp.string());
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        throw_errno("cannot write " + tmp.string());
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        throw_errno("cannot replace " + target.string());
    }
    fsync_directory(target.parent_path());
}

void prepare_layout(const fs::path& root)
{
    std::error_code ec;
    fs::create_directories(root / "blobs" / "sha256", ec);
    if (ec) throw std::runtime_error("cannot create " + (root / "blobs" / "sha256").string() + ": " + ec.message());
    fs::create_directories(temp_dir(root), ec);
    if (ec) throw std::runtime_error("cannot create " + temp_dir(root).string() + ": " + ec.message());

    auto marker = root / "oci-layout";
    if (!fs::exists(marker)) {
        replace_file_atomically(marker, layout_marker);
    } else {
        boost::system::error_code jec;
        auto v = boost::json::parse(read_all(marker), jec);
        if (jec || !v.is_object() || !v.as_object().contains("imageLayoutVersion"))
            throw std::runtime_error(root.string() + " is not an OCI image layout: its oci-layout file is invalid");
    }
    if (!fs::exists(root / "index.json")) replace_file_atomically(root / "index.json", empty_index);
    remove_stale_temporaries(temp_dir(root));
}

}  // namespace oci_layout
