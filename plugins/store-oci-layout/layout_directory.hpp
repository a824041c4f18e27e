// An OCI image layout directory: its fixed files, durable atomic file replacement, and the
// rule that nothing inside the layout is reached through a symbolic link.
#pragma once

#include "temporary_files.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace oci_layout {

namespace fs = std::filesystem;

// For writing: creates the layout (oci-layout, index.json, blobs/sha256, .lading-tmp) when
// missing, checks it when present, and removes the temporaries their writers abandoned. What
// it creates is flushed to disk unless `kept` is unflushed (a spool, removed when done).
void prepare_layout(const fs::path& root, durability kept = durability::flushed);

// For reading only: checks that root is a layout; creates, cleans and writes nothing.
void check_layout(const fs::path& root);

// Opens root/relative with `flags`, refusing a symbolic link at every component below
// root. Returns -1 with errno set on failure.
int open_in_layout(const fs::path& root, const fs::path& relative, int flags);

// Opens root/relative for reading, without following links; -1 with errno when it cannot be
// opened, an error when it is not a regular file (a FIFO would block the open).
int open_regular_in_layout(const fs::path& root, const fs::path& relative);

// The whole of a regular file root/relative, read without following links.
std::string read_layout_file(const fs::path& root, const fs::path& relative);
// The same, or nullopt when the file (or a directory above it) does not exist.
std::optional<std::string> read_layout_file_if_present(const fs::path& root, const fs::path& relative);

// Removes root/relative (a link there is removed, not followed); false when it does not
// exist. Directories above it are reached without following links.
bool remove_layout_file(const fs::path& root, const fs::path& relative);

// root/relative and every directory between, created when missing (mode 0755 less the
// umask); a link or a file in their place is refused.
void ensure_layout_directories(const fs::path& root, const fs::path& relative);

// Writes `bytes` to a locked temporary, fsyncs, renames over target, fsyncs the directory
// (no fsyncs when `kept` is unflushed).
void replace_file_atomically(const fs::path& root, const fs::path& target, std::string_view bytes,
                             durability kept = durability::flushed);

void fsync_directory(const fs::path& dir);

fs::path temp_dir(const fs::path& root);
fs::path blob_path(const fs::path& root, std::string_view digest);
fs::path blob_relative_path(std::string_view digest);

// Holds the layout's index lock (<root>/.index.json.lock) for its lifetime: every write of
// index.json, its creation included, happens under it.
class index_lock {
public:
    explicit index_lock(const fs::path& root);
    ~index_lock();
    index_lock(const index_lock&) = delete;
    index_lock& operator=(const index_lock&) = delete;

private:
    int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what);

}  // namespace oci_layout
