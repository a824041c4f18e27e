// Whether a temporary is still being written is decided by a lock, never by a process id:
// its writer holds an flock() on it from creation to commit, so a temporary on which the
// lock can be taken has been abandoned. This works across PID namespaces, where a pid
// means nothing.
#pragma once

#include "posix/unique_fd.hpp"

#include <functional>
#include <string>
#include <string_view>

#include <sys/stat.h>

namespace lading {

// Takes the owner's lock on an open temporary (waits while a cleaner holds it) and tells
// whether `name` in `dir` is still that very file: false when a cleaner removed it first.
bool take_owner_lock(int fd, int dir, const std::string& name);

// Opens dir/name without following a link and takes its lock when nobody holds it: the
// returned descriptor (empty when the temporary is in use or gone) keeps the lock while
// the caller removes the temporary.
unpack::unique_fd claim_abandoned(int dir, const std::string& name);

// Removes each entry of `dir` that `ours` names, that nobody holds the lock on and whose
// status `removable` accepts (a directory with everything in it), holding its lock while
// it goes so that its owner cannot be in it. Never through a link; an entry that cannot be
// removed now stays for a later cleaner.
void remove_abandoned(int dir, const std::function<bool(std::string_view name)>& ours,
                      const std::function<bool(const struct stat&)>& removable);

// remove_abandoned for directories of this user only.
void remove_abandoned_directories(int dir, const std::function<bool(std::string_view name)>& ours);

}  // namespace lading
