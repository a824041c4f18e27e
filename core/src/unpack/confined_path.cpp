#include <lading/error.hpp>
#include "tar/tar_reader.hpp"
#include "unpack/confined_path.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <sys/stat.h>

namespace lading::unpack {

namespace {

constexpr int max_symlinks_followed = 40;  // the kernel's own limit for one lookup

[[noreturn]] void fail_errno(const std::string& what, const std::string& path)
{
    throw error("cannot " + what + " " + tar::printable_name(path.empty() ? "/" : path) + ": " + std::strerror(errno));
}

std::string read_link_at(int dir_fd, const std::string& name, const std::string& path)
{
    std::string target(256, '\0');
    for (;;) {
        auto n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
        if (n < 0) fail_errno("read the symlink", path);
        if (static_cast<std::size_t>(n) < target.size()) {
            target.resize(static_cast<std::size_t>(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names) out = join_path(out, n);
    return out;
}

unique_fd open_directory(int dir_fd, const std::string& name, const std::string& path)
{
    unique_fd fd(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) fail_errno("open the directory", path);
    return fd;
}

}  // namespace

void resolution_budget::start_entry(std::uint64_t layer_bytes)
{
    layer_bytes_ = layer_bytes;
    entry_steps_ = 0;
}

void resolution_budget::spend(std::uint64_t steps)
{
    entry_steps_ += steps;
    layer_steps_ += steps;
    if (entry_steps_ > limits_.steps_per_entry)
        throw error("resolving the name takes more than " + std::to_string(limits_.steps_per_entry) +
                    " steps");
    const auto layer_limit = limits_.layer_allowance + limits_.layer_steps_per_byte * layer_bytes_;
    if (layer_steps_ > layer_limit)
        throw error("resolving names takes more than " + std::to_string(layer_limit) + " steps, the limit for " +
                    std::to_string(layer_bytes_) + " bytes of layer");
}

std::vector<std::string> clean_components(std::string_view name)
{
    // The kernel would stop at a NUL that no check here sees: such a name is never used.
    if (name.find('\0') != std::string_view::npos)
        throw error("the name " + tar::printable_name(name) + " holds a NUL byte");
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= name.size()) {
        auto slash = name.find('/', pos);
        if (slash == std::string_view::npos) slash = name.size();
        auto part = name.substr(pos, slash - pos);
        if (part == "..") {
            if (!out.empty()) out.pop_back();
        } else if (!part.empty() && part != ".") {
            // Far deeper than any directory may be: a 16 MiB name of "a/" would otherwise
            // become millions of strings before any limit looked at it.
            if (out.size() == max_name_components)
                throw error("the name " + tar::printable_name(name.substr(0, 64)) + "... has more than " +
                            std::to_string(max_name_components) + " components");
            out.emplace_back(part);
        }
        pos = slash + 1;
    }
    return out;
}

std::string join_path(std::string_view dir, std::string_view name)
{
    std::string out(dir);
    if (!out.empty()) out += '/';
    out.append(name);
    return out;
}

std::optional<confined_dir> open_confined_dir(int root_fd, std::span<const std::string> components,
                                              const resolve_options& options, std::vector<std::string>* created)
{
    resolution_budget own_budget;
    resolution_budget& budget = options.budget ? *options.budget : own_budget;

    // Only the directory reached so far stays open; ".." walks again from the root along
    // the names of real directories, so the descriptor count does not grow with depth.
    std::vector<std::string> names;
    std::string current_path;
    unique_fd current(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!current) fail_errno("open the directory", "");
    auto reopen = [&] {
        budget.spend(1 + names.size());
        current = unique_fd(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!current) fail_errno("open the directory", "");
        std::string path;
        for (const auto& n : names) {
            path = join_path(path, n);
            current = open_directory(current.get(), n, path);
        }
    };

    std::deque<std::string> pending(components.begin(), components.end());
    int followed = 0;
    while (!pending.empty()) {
        budget.spend(1);
        std::string c = std::move(pending.front());
        pending.pop_front();
        if (c.empty() || c == ".") continue;
        if (c == "..") {
            // A run of ".." costs one walk from the root, however long the run.
            std::size_t up = 1;
            while (!pending.empty() && (pending.front() == ".." || pending.front() == "." || pending.front().empty())) {
                budget.spend(1);
                if (pending.front() == "..") ++up;
                pending.pop_front();
            }
            if (!names.empty()) {
                names.resize(names.size() - std::min(up, names.size()));
                current_path = joined(names);
                reopen();
            }
            continue;
        }
        const std::string path = join_path(current_path, c);
        struct stat st {};
        if (::fstatat(current.get(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) fail_errno("look up", path);
            if (!options.create_missing) return std::nullopt;
            if (::mkdirat(current.get(), c.c_str(), 0700) != 0) fail_errno("create the directory", path);
            if (created) created->push_back(path);
            st.st_mode = S_IFDIR;
        }
        if (S_ISLNK(st.st_mode)) {
            if (!options.follow_symlinks) return std::nullopt;
            if (++followed > max_symlinks_followed) throw error(tar::printable_name(path) + ": too many levels of symbolic links");
            auto target = read_link_at(current.get(), c, path);
            // The target's components replace this one, ".." included: climbing stops at
            // the root. An absolute target starts again from the root.
            std::vector<std::string> steps;
            std::size_t pos = 0;
            while (pos <= target.size()) {
                auto slash = target.find('/', pos);
                if (slash == std::string::npos) slash = target.size();
                steps.push_back(target.substr(pos, slash - pos));
                pos = slash + 1;
            }
            pending.insert(pending.begin(), steps.begin(), steps.end());
            if (target.starts_with('/') && !names.empty()) {
                names.clear();
                current_path.clear();
                reopen();
            }
            continue;
        }
        if (!S_ISDIR(st.st_mode)) throw error(tar::printable_name(path) + " is not a directory");
        if (names.size() + 1 > max_directory_depth)
            throw error("the path is nested more than " + std::to_string(max_directory_depth) + " directories deep");
        current = open_directory(current.get(), c, path);
        names.push_back(std::move(c));
        current_path = path;
    }
    return confined_dir{std::move(current), current_path};
}

}  // namespace lading::unpack
