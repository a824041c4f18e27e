#include "temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/stat.h>

namespace lading::test {

namespace fs = std::filesystem;

namespace {

fs::path make_unique_dir(const fs::path& parent, const std::string& prefix) {
    std::string pattern = (parent / (prefix + "XXXXXX")).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr)
        throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    return fs::path(buf.data());
}

bool keep_requested() {
    const char* keep = std::getenv("LADING_TEST_KEEP");
    return keep && *keep && std::string(keep) != "0";
}

// Entries can be left without write or search permission (mode 000 directories, umoci
// bundles); give the owner access back so that remove_all can descend.
void make_removable(const fs::path& root) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code sec;
        auto st = it->symlink_status(sec);
        if (!sec && fs::is_directory(st)) ::chmod(it->path().c_str(), 0700);
    }
}

}  // namespace

fs::path temp_base() {
    const char* t = std::getenv("TMPDIR");
    std::error_code ec;
    if (t && *t && fs::is_directory(t, ec)) return fs::path(t);
    return fs::path("/tmp");
}

temp_dir::temp_dir(const std::string& prefix) : path_(make_unique_dir(temp_base(), prefix)) {}

temp_dir::temp_dir(const fs::path& parent, const std::string& prefix)
    : path_(make_unique_dir(parent, prefix)) {}

temp_dir::~temp_dir() { remove(); }

temp_dir::temp_dir(temp_dir&& other) noexcept : path_(std::exchange(other.path_, fs::path())) {}

temp_dir& temp_dir::operator=(temp_dir&& other) noexcept {
    if (this != &other) {
        remove();
        path_ = std::exchange(other.path_, fs::path());
    }
    return *this;
}

void temp_dir::remove() {
    if (path_.empty()) return;
    if (keep_requested()) {
        std::cerr << "LADING_TEST_KEEP: keeping " << path_ << "\n";
        path_.clear();
        return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) {
        make_removable(path_);
        fs::remove_all(path_, ec);
        if (ec) std::cerr << "warning: cannot remove " << path_ << ": " << ec.message() << "\n";
    }
    path_.clear();
}

}  // namespace lading::test
