// The eStargz table of contents (stargz.index.json): one entry per tar entry and per
// extra chunk of a large file, serialised with Go's key names and omitempty rules.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lading::plugins::estargz {

struct toc_entry {
    std::string name;
    const char* type = "";  // dir reg symlink hardlink char block fifo chunk
    std::int64_t size = 0;
    // Written as RFC 3339 only when the TOC is serialised: a string per entry would cost
    // more memory than the rest of the entry.
    std::int64_t mtime = 0, mtime_nanos = 0;
    std::string link_name;
    std::int64_t mode = 0, uid = 0, gid = 0;
    std::string user_name, group_name;
    // The gzip member where this payload or chunk starts, by ordinal; its blob offset is
    // only known once the members before it are compressed.
    std::optional<std::size_t> member;
    std::int64_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;  // raw values, sorted by name
    std::string digest;
    std::int64_t chunk_offset = 0, chunk_size = 0;
    std::string chunk_digest;
    bool chunk_digest_is_digest = false;  // a single-chunk file: chunkDigest repeats digest
};

class packed_toc;

using member_offsets = std::function<std::uint64_t(std::size_t member)>;
using text_sink = std::function<void(std::string_view piece)>;

// {"version":1,"entries":[...]} with nothing after the closing brace: readers hash exactly
// the bytes their JSON decoder consumes. Handed to sink in pieces of about 64 KiB, so the
// whole text is never held; the same entries always give the same text.
void write_toc_json(const packed_toc& entries, const member_offsets& offset_of, const text_sink& sink);

}  // namespace lading::plugins::estargz
