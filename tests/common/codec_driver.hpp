// Driving a compressor plugin the way the host does: the .so loaded with Boost.DLL and used
// only through its lading_compressor_v1 table, input and output handed over in slices the
// test chooses. Contract breaches (LADING_DONE too early, no progress) throw.
#pragma once

#include <lading/plugin/abi.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lading::test {

using codec_bytes = std::vector<std::uint8_t>;
using codec_handle = std::unique_ptr<lading_codec, void (*)(lading_codec*)>;

// The table of liblading-compressor-NAME.so in dir; each plugin is loaded once per run.
const lading_compressor_v1& compressor_table(const std::filesystem::path& dir, const std::string& name);

codec_handle new_compressor(const lading_compressor_v1& table, int level, unsigned threads);
codec_handle new_decompressor(const lading_compressor_v1& table);

// How bytes are handed to transform(): the size of each next input slice and of each next
// output buffer, and whether finish comes with the last slice or in a call of its own.
struct codec_feeding {
    std::function<std::size_t()> next_slice;
    std::function<std::size_t()> next_out;
    bool finish_separately = false;
};

struct codec_outcome {
    int status = LADING_OK;  // LADING_DONE, or LADING_ERROR with error set
    std::string error;
    codec_bytes output;
};

codec_outcome run_codec(const lading_compressor_v1& table, lading_codec* codec, const codec_bytes& input,
                        const codec_feeding& feeding);

}  // namespace lading::test
