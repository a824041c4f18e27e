#include <lading/error.hpp>
#include "tar/tar_reader.hpp"
#include "unpack/confined_path.hpp"
#include "posix/tree_removal.hpp"
#include "posix/unique_fd.hpp"
#include "unpack/whiteouts.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace lading::unpack {

namespace {
constexpr std::string_view prefix = ".wh.";
constexpr std::string_view metadata_prefix = ".wh..wh.";
constexpr std::string_view opaque_marker = ".wh..wh..opq";
}  // namespace

whiteout classify_whiteout(std::string_view base_name)
{
    if (!base_name.starts_with(prefix)) return {};
    if (base_name == opaque_marker) return {whiteout_kind::opaque, {}};
    if (base_name.starts_with(metadata_prefix)) return {whiteout_kind::metadata, {}};
    auto target = base_name.substr(prefix.size());
    if (target.empty() || target == "." || target == ".." || target.find('\0') != std::string_view::npos)
        throw error("the whiteout " + tar::printable_name(base_name) + " names no entry");
    return {whiteout_kind::remove, std::string(target)};
}

void remove_lower_entries(int dir_fd, const std::string& dir_path, const std::unordered_set<std::string>& kept,
                          const std::function<void(const std::string&)>& removed, resolution_budget& budget)
{
    for (const auto& name : list_directory(dir_fd)) {
        auto path = join_path(dir_path, name);
        if (!kept.count(path)) {
            remove_tree_at(dir_fd, name);
            removed(path);
            continue;
        }
        budget.spend(1);
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
        unique_fd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) throw error("cannot open the directory " + tar::printable_name(path) + ": " + std::strerror(errno));
        remove_lower_entries(sub.get(), path, kept, removed, budget);
    }
}

}  // namespace lading::unpack
