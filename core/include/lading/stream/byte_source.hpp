// A pull-based stream of bytes: the shape every layer input takes inside lading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace lading {

class byte_source {
public:
    virtual ~byte_source() = default;
    // Fills up to buf.size() bytes; returns 0 only at the end. Throws lading::error.
    virtual std::size_t read(std::span<std::uint8_t> buf) = 0;
};

// Reads bytes held in memory by the caller, who keeps them alive while the source is read.
class memory_source : public byte_source {
public:
    explicit memory_source(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

// Reads a file sequentially; errors name the file.
class file_source : public byte_source {
public:
    explicit file_source(const std::filesystem::path& path);
    // Reads the already open `fd`, which it then owns and closes; `path` names it in errors.
    file_source(int fd, const std::filesystem::path& path);
    ~file_source() override;
    file_source(const file_source&) = delete;
    file_source& operator=(const file_source&) = delete;
    std::size_t read(std::span<std::uint8_t> buf) override;
    // The open file's descriptor (still owned by this source), e.g. for an fstat.
    int descriptor() const { return fd_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace lading
