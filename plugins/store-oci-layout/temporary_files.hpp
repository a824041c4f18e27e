// The layout's temporaries (<root>/.lading-tmp/<pid>-<n>-<random>): each is flock()ed by its
// writer for as long as it exists, so a temporary nobody holds a lock on is abandoned. The
// pid in the name is only there to keep names unique; it is never used to decide liveness,
// which would be wrong for a writer in another PID namespace. The exception are the
// "<pid>-<n>" temporaries of releases that wrote them without a lock: those are abandoned
// once their process is gone, the rule those releases applied themselves.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace oci_layout {

// flushed: fsync before the rename and of the directory after, so a crash keeps the file.
// unflushed: the rename alone, for a spool that a crash makes garbage anyway.
enum class durability { flushed, unflushed };

// A file being written under .lading-tmp, locked from before it is visible until it is
// renamed into place or removed.
class locked_temporary {
public:
    explicit locked_temporary(const std::filesystem::path& root);
    ~locked_temporary();  // removes the file unless it was committed
    locked_temporary(const locked_temporary&) = delete;
    locked_temporary& operator=(const locked_temporary&) = delete;

    void write(const std::uint8_t* data, std::size_t len);
    // Renames onto target, still holding the lock; flushed: fsync before, and fsync of
    // target's directory after.
    void commit_to(const std::filesystem::path& target, durability kept = durability::flushed);
    const std::filesystem::path& path() const { return path_; }
    // Asks the kernel to start writing these bytes to disk now, without waiting for them.
    void start_writeback(std::uint64_t offset, std::uint64_t length);

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

enum class temporary_state { in_use, abandoned };

// Calls visit for each file under .lading-tmp whose name is one lading gives; other
// entries are left alone (lading never touches what it did not create).
void visit_temporaries(const std::filesystem::path& root,
                       const std::function<void(const std::string& name, temporary_state, std::uint64_t size)>& visit);

// Removes the abandoned temporaries; a temporary locked by a live writer, anywhere, stays.
void remove_abandoned_temporaries(const std::filesystem::path& root);

}  // namespace oci_layout
