// An incremental tar parser: bytes arrive in any slicing, and each one is reported once,
// in order, as either metadata (headers, extended headers, padding) or file payload.
// The end-of-archive blocks (and whatever follows them) are swallowed. Headers are decoded
// by lading's one tar codec (lading/formats/header_decoder.hpp), so the scanner accepts
// what lading's other tar readers accept.
#pragma once

#include <lading/formats/header_decoder.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lading::plugins::estargz {

inline constexpr std::size_t tar_block = formats::ustar::block_size;

// One archive member with every extension applied, the way a tar reader presents it.
struct tar_entry {
    char type = '0';  // '0' regular, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo
    std::string name;
    std::string link_name;
    std::string user_name, group_name;
    std::int64_t mode = 0, uid = 0, gid = 0;
    std::int64_t size = 0;  // payload bytes; 0 for everything but regular files
    std::int64_t mtime = 0;  // seconds, floored
    std::int64_t mtime_nanos = 0;  // [0, 1e9), only from PAX
    std::int64_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name
};

class tar_events {
public:
    virtual ~tar_events() = default;
    virtual void metadata(std::span<const std::uint8_t> bytes) = 0;
    // After the entry's header blocks went out as metadata, before its payload.
    virtual void entry(const tar_entry& e) = 0;
    virtual void payload(std::span<const std::uint8_t> bytes) = 0;
    // After the last payload byte of a regular file (also for empty ones).
    virtual void entry_end() = 0;
};

class tar_scanner {
public:
    explicit tar_scanner(tar_events& events) : events_(events) {}

    // Consumes all of `bytes`; throws std::runtime_error on anything it cannot parse.
    void consume(std::span<const std::uint8_t> bytes);
    // The input is complete: throws when it stopped inside an entry.
    void finish();

private:
    enum class state { header, extension_data, payload, padding, trailer };

    void take_header_block();
    void begin_entry(const formats::ustar::decoded_entry& d);
    void end_extension_data();
    void after_data(std::uint64_t size);

    tar_events& events_;
    formats::ustar::header_decoder decoder_;
    state state_ = state::header;
    std::uint64_t offset_ = 0;  // of the next input byte
    std::uint8_t block_[tar_block];
    std::size_t block_fill_ = 0;
    std::uint64_t remaining_ = 0;  // bytes left in the current data, padding or extension data
    std::uint64_t data_size_ = 0;  // of the data being read, for its padding
    std::string extension_;
};

}  // namespace lading::plugins::estargz
