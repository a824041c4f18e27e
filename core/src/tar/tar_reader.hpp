// Reads a tar archive entry by entry from a stream: headers one at a time, content in
// pieces the caller asks for, so a layer of any size passes through bounded memory.
// Headers are decoded by lading's one tar codec (lading/formats/header_decoder.hpp), which
// states the rules every reader in lading shares.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/formats/header_decoder.hpp>
#include "tar/entry.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lading::tar {

// One entry as the archive states it. Names are exactly as stored (no cleaning: a name may
// be absolute or hold ".."); old-style regular files ('\0', '7') come as regular files.
struct read_entry {
    entry header;
    std::uint32_t mtime_nanoseconds = 0;  // PAX mtimes may carry a fraction of a second
};

class tar_reader {
public:
    // `what` names the archive in errors, e.g. "layer sha256:...".
    tar_reader(byte_source& src, std::string what);

    // The next entry, skipping whatever content of the previous one was not read; nullopt
    // at the end-of-archive marker. Throws lading::error on a malformed or truncated
    // archive, on sparse files and on entry types a layer cannot carry.
    std::optional<read_entry> next();

    // Up to buf.size() bytes of the current entry's content; 0 once it is all read.
    std::size_t read_content(std::span<std::uint8_t> buf);

    // Offset in the stream of the current entry's first header block, for error messages.
    std::uint64_t entry_offset() const { return entry_offset_; }

private:
    void read_exact(char* out, std::size_t n, const char* during);
    void skip(std::uint64_t n, const char* during);
    bool read_block(char* block);
    [[noreturn]] void fail(const std::string& message) const;

    formats::ustar::header_decoder decoder_;

    byte_source& src_;
    std::string what_;
    std::uint64_t offset_ = 0;
    std::uint64_t entry_offset_ = 0;
    std::uint64_t content_left_ = 0;
    std::size_t padding_left_ = 0;
    bool ended_ = false;
};

// `name` in double quotes with control bytes, quotes and backslashes escaped, so that an
// error naming an entry stays on one line whatever bytes the archive put in the name.
std::string printable_name(std::string_view name);

}  // namespace lading::tar
