// Whether a temporary is still being written is decided by a lock, never by a process id:
// its writer holds an flock() on it from creation to commit, so a temporary on which the
// lock can be taken has been abandoned. This works across PID namespaces, where a pid
// means nothing.
#pragma once

#include "posix/unique_fd.hpp"

#include <string>

namespace lading {

// Takes the owner's lock on an open temporary (waits while a cleaner holds it) and tells
// whether `name` in `dir` is still that very file: false when a cleaner removed it first.
bool take_owner_lock(int fd, int dir, const std::string& name);

// Opens dir/name without following a link and takes its lock when nobody holds it: the
// returned descriptor (empty when the temporary is in use or gone) keeps the lock while
// the caller removes the temporary.
unpack::unique_fd claim_abandoned(int dir, const std::string& name);

}  // namespace lading
