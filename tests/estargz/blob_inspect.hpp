// Looking inside a blob independently of the plugin: its gzip members (with zlib) and the
// TOC entry at the end of its decompressed stream.
#pragma once

#include "plugin_driver.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace estargz_test {

struct member_info {
    std::uint64_t offset = 0;  // of its gzip header in the blob
    std::uint64_t uncompressed = 0;
};

// Every member, in order; throws when the blob is not a sequence of complete members.
std::vector<member_info> gzip_members(const bytes& blob);

// The TOC offset the 51-byte footer names; throws when the footer is malformed.
std::uint64_t footer_toc_offset(const bytes& blob);

struct toc_tail {
    std::string header;  // the 512-byte tar header of stargz.index.json
    std::string json;    // exactly the entry's content
    std::string rest;    // padding and everything after it
};

// Splits a decompressed blob whose first `prefix` bytes are the layer's own entries.
toc_tail split_toc(const bytes& decompressed, std::size_t prefix);

boost::json::array toc_entries(const std::string& json);

// Writes the bytes to a file (throws on failure) / reads a file whole.
void write_file(const std::string& path, const bytes& data);
bytes read_file(const std::string& path);

}  // namespace estargz_test
