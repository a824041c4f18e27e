#include "unpack/directory_chain.hpp"

#include <lading/error.hpp>
#include "tar/tar_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace lading::unpack {

namespace {

int open_level(int parent_fd, const std::string& name)
{
    return ::openat(parent_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

bool is_plain_name(const std::string& c) { return !c.empty() && c != "." && c != ".."; }

}  // namespace

directory_chain::opened directory_chain::open(std::span<const std::string> components, resolution_budget& budget,
                                              std::vector<std::string>& created)
{
    std::size_t shared = 0;
    while (shared < names_.size() && shared < components.size() && names_[shared] == components[shared]) ++shared;
    names_.resize(shared);
    paths_.resize(shared);
    fds_.resize(shared);

    for (std::size_t i = shared; i < components.size(); ++i) {
        const auto& name = components[i];
        if (!is_plain_name(name) || names_.size() + 1 > max_directory_depth) break;
        budget.spend(1);
        const int parent = fds_.empty() ? root_fd_ : fds_.back().get();
        const std::string path = join_path(paths_.empty() ? root_path_ : paths_.back(), name);
        unique_fd fd(open_level(parent, name));
        if (!fd && errno == ENOENT) {
            if (::mkdirat(parent, name.c_str(), 0700) != 0)
                throw error("cannot create the directory " + tar::printable_name(path) + ": " + std::strerror(errno));
            created.push_back(path);
            fd = unique_fd(open_level(parent, name));
        }
        if (!fd) {
            if (errno != ENOTDIR && errno != ELOOP)
                throw error("cannot open the directory " + tar::printable_name(path) + ": " + std::strerror(errno));
            break;  // a symlink or not a directory: open_confined_dir knows what that means
        }
        names_.push_back(name);
        paths_.push_back(path);
        fds_.push_back(std::move(fd));
    }

    if (names_.size() == components.size()) {
        if (fds_.empty()) return {root_fd_, root_path_};
        return {fds_.back().get(), paths_.back()};
    }
    resolved_ = open_confined_dir(root_fd_, components, {.create_missing = true, .budget = &budget}, &created);
    return {resolved_->fd.get(), resolved_->path};
}

void directory_chain::forget(const std::string& path)
{
    auto gone = [below = path + "/", &path](const std::string& p) { return p == path || p.starts_with(below); };
    for (std::size_t i = 0; i < paths_.size(); ++i) {
        if (gone(paths_[i])) {
            names_.resize(i);
            paths_.resize(i);
            fds_.resize(i);
            break;
        }
    }
    if (resolved_ && gone(resolved_->path)) resolved_.reset();
}

}  // namespace lading::unpack
