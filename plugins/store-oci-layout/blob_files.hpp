// Blob files of a layout: written to a private temporary, committed by an atomic rename.
#pragma once

#include "temporary_files.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace oci_layout {

class blob_file_writer {
public:
    blob_file_writer(const std::filesystem::path& root, durability kept);
    blob_file_writer(const blob_file_writer&) = delete;
    blob_file_writer& operator=(const blob_file_writer&) = delete;

    // A durable blob's bytes start going to disk every few MiB while it is written, so the
    // fsync at commit waits for the last stretch only, not for a whole layer at the end.
    void write(const std::uint8_t* data, std::size_t len);
    // Renames to blobs/sha256/<hex> (flushed first and after when durability asks), over a
    // blob already there: the caller checked the digest, so both hold the same bytes, and a
    // damaged copy is replaced by a good one.
    void commit(const std::string& digest);

private:
    std::filesystem::path root_;
    durability kept_;
    locked_temporary temp_;
    std::uint64_t written_ = 0;
    std::uint64_t written_back_ = 0;  // bytes handed to start_writeback so far
};

class blob_file_reader {
public:
    blob_file_reader(const std::filesystem::path& root, const std::string& digest);
    ~blob_file_reader();
    blob_file_reader(const blob_file_reader&) = delete;
    blob_file_reader& operator=(const blob_file_reader&) = delete;
    std::int64_t read(std::uint8_t* buf, std::size_t len);

private:
    int fd_ = -1;
    std::string path_;
};

bool valid_digest(const char* digest);

}  // namespace oci_layout

namespace oci_layout {

enum class blob_area_entry { blob, stray };

// Each entry of blobs/sha256 (and any other directory under blobs/): a blob is a regular
// file named by a sha256 hex digest; anything else (links included, never followed) is stray.
// `name` is the digest of a blob, the path in the layout of a stray entry.
void visit_blob_area(const std::filesystem::path& root,
                     const std::function<void(blob_area_entry, const std::string& name, std::uint64_t size)>& visit);

// The size of a blob, looked at without following links; nullopt when absent.
std::optional<std::uint64_t> blob_file_size(const std::filesystem::path& root, const std::string& digest);

}  // namespace oci_layout
