#include "plugin_codec.hpp"

#include "common/codec_driver.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace lading::fuzz {

namespace {

[[noreturn]] void contract_broken(const std::string& plugin, const char* what)
{
    std::fprintf(stderr, "compressor %s: %s\n", plugin.c_str(), what);
    std::abort();
}

}  // namespace

void run_plugin_codec(const std::string& plugin, codec_direction direction, std::span<const std::uint8_t> input,
                      std::size_t output_limit)
{
    const auto& table = test::compressor_table(LADING_TEST_PLUGIN_DIR, plugin);
    auto codec = direction == codec_direction::compress ? test::new_compressor(table, 1, 1)
                                                        : test::new_decompressor(table);
    constexpr std::size_t in_slice = 1000, out_slice = 777;
    std::vector<std::uint8_t> out(out_slice);
    std::size_t pos = 0, produced = 0;
    for (;;) {
        const std::size_t n = std::min(in_slice, input.size() - pos);
        const bool finish = pos + n == input.size();
        lading_stream_io io{input.data() + pos, n, nullptr, 0};
        for (int idle = 0;;) {
            io.next_out = out.data();
            io.avail_out = out.size();
            const auto* in_before = io.next_in;
            const int status = table.transform(codec.get(), &io, finish ? 1 : 0);
            produced += static_cast<std::size_t>(io.next_out - out.data());
            if (status == LADING_ERROR) {
                if (table.last_error(codec.get()) == nullptr) contract_broken(plugin, "error without a message");
                return;
            }
            if (status == LADING_DONE) {
                if (!finish || io.avail_in != 0) contract_broken(plugin, "LADING_DONE before all input was finished");
                return;
            }
            if (status != LADING_OK) contract_broken(plugin, "unknown status");
            if (produced > output_limit) return;
            const bool progressed = io.next_in != in_before || io.next_out != out.data();
            idle = progressed ? 0 : idle + 1;
            if (idle > 1000) contract_broken(plugin, "transform makes no progress");
            if (!finish && io.avail_in == 0 && io.avail_out > 0) break;
        }
        pos += n;
    }
}

}  // namespace lading::fuzz
