// A committed blob read back from the cache at any offset: through its file when the store
// backend names one (pread), else through the backend's reader, skipping forward.
#pragma once

#include <lading/oci/digest.hpp>
#include <lading/plugin/store.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace lading::mirror {

class cached_file {
public:
    // nullptr when the store does not hold the blob.
    static std::shared_ptr<cached_file> open(plugin::store& store, const digest& d);
    ~cached_file();
    cached_file(const cached_file&) = delete;
    cached_file& operator=(const cached_file&) = delete;

    std::uint64_t size() const { return size_; }
    // Reads up to buf.size() bytes at offset; offsets only go forward without a file.
    std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> buf);
    // True when the bytes hash to `d` (reads the whole blob).
    bool matches(const digest& d);

private:
    cached_file() = default;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    plugin::store* store_ = nullptr;
    digest digest_;
    std::unique_ptr<byte_source> sequential_;
    std::uint64_t position_ = 0;
};

}  // namespace lading::mirror
