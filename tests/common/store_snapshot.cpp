#include "store_snapshot.hpp"

#include <cerrno>
#include <sstream>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

#include "printable_path.hpp"
#include "sha256.hpp"

namespace lading::test {

namespace fs = std::filesystem;

store_snapshot store_snapshot::take(const fs::path& root) {
    store_snapshot snap;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(root, ec))) return snap;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) throw std::system_error(ec, "snapshot " + printable(root));
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw std::system_error(ec, "snapshot " + printable(root));
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) {
            // Vanished between readdir and lstat: a concurrent writer; record it as such.
            snap.entries_[it->path().lexically_relative(root).native()] = "vanished";
            continue;
        }
        std::string value;
        if (S_ISDIR(st.st_mode)) {
            value = "dir";
        } else if (S_ISREG(st.st_mode)) {
            std::ostringstream os;
            os << "file " << sha256_file_hex(it->path()) << " " << std::oct << (st.st_mode & 07777);
            value = os.str();
        } else if (S_ISLNK(st.st_mode)) {
            value = "symlink -> " + fs::read_symlink(it->path(), ec).native();
        } else {
            value = "other " + std::to_string(st.st_mode & S_IFMT);
        }
        snap.entries_[it->path().lexically_relative(root).native()] = value;
    }
    return snap;
}

std::vector<std::string> store_snapshot::differences_to(const store_snapshot& after) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_) {
        auto f = after.entries_.find(k);
        if (f == after.entries_.end())
            out.push_back("removed: " + printable(std::string_view(k)));
        else if (f->second != v)
            out.push_back("changed: " + printable(std::string_view(k)) + " (" + v + " -> " + f->second + ")");
    }
    for (const auto& [k, v] : after.entries_)
        if (!entries_.count(k)) out.push_back("added: " + printable(std::string_view(k)) + " (" + v + ")");
    return out;
}

std::string store_snapshot::describe_differences_to(const store_snapshot& after) const {
    auto d = differences_to(after);
    if (d.empty()) return "no differences";
    std::string s;
    for (std::size_t i = 0; i < d.size() && i < 40; ++i) s += "  " + d[i] + "\n";
    if (d.size() > 40) s += "  ... and " + std::to_string(d.size() - 40) + " more\n";
    return s;
}

}  // namespace lading::test
