// The built estargz plugin, loaded the way the host loads it (Boost.DLL) and driven only
// through its lading_compressor_v1 table, with seeded random input slices and output
// buffer sizes.
#pragma once

#include <lading/plugin/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace estargz_test {

using bytes = std::vector<std::uint8_t>;

const lading_compressor_v1& estargz_table();

// How bytes are handed to transform(): slices of 1..max_slice bytes and output buffers of
// 1..max_out bytes, both drawn from seed; finish with the last slice or in a call of its own.
struct feed {
    std::uint64_t seed = 1;
    std::size_t max_slice = 1 << 20;
    std::size_t max_out = 1 << 20;
    bool finish_separately = false;
};

struct compressed {
    int status = LADING_OK;  // LADING_DONE on success
    std::string error;
    bytes blob;
    std::string annotations_json;
    std::string diff_id;
};

compressed compress(const bytes& tar, const feed& f = {}, unsigned threads = 2, int level = 6);
// Throws when the compressor fails.
compressed compress_ok(const bytes& tar, const feed& f = {}, unsigned threads = 2, int level = 6);
// Through the plugin's own decompressor; throws when it fails.
bytes decompress(const bytes& blob, const feed& f = {});

}  // namespace estargz_test
