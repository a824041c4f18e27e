// What each tar reader makes of one archive: the entries it lists, or the error it refuses
// the archive with. Entries are compared as (name, type, size, mtime), names without "./"
// in front or '/' behind, so that readers that spell names differently still compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lading::test {

struct listed_entry {
    std::string name;
    char type = '0';  // '0' regular, '1' hardlink, '2' symlink, '3' '4' devices, '5' directory, '6' fifo
    std::uint64_t size = 0;
    std::int64_t mtime = 0;

    bool operator==(const listed_entry&) const = default;
};

struct reader_outcome {
    std::vector<listed_entry> entries;  // when accepted
    std::optional<std::string> error;   // when refused
    std::string warnings;               // GNU tar's stderr when it accepted
};

std::string describe(const reader_outcome& o);

// lading's core tar reader (the unpacker's).
reader_outcome core_reader(const std::string& archive);
// The check every tarball layer passes through (no time clamping); it lists no entries.
reader_outcome tarball_layer_check(const std::string& archive);
// The eStargz compressor plugin; the entries come from the TOC of the blob it wrote.
reader_outcome estargz_scanner(const std::string& archive);
// `tar -tvf` of GNU tar.
reader_outcome gnu_tar(const std::string& archive);

}  // namespace lading::test
