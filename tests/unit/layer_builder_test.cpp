// How build_layer drives a compressor: every call but the finishing ones brings new input,
// and output the codec hands out late still reaches the blob, in order. The codec here is
// a plain copy that hands out at most 64 KiB per call and refuses to be asked for output
// without input before the end: a multi-threaded codec asked that way would wait for its
// oldest job while its other workers run dry.
#include "layer/layer_builder.hpp"

#include <lading/sdk/compressor.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

class rationed_copy final : public lading::sdk::codec {
public:
    lading_status transform(lading_stream_io& io, bool finish) override
    {
        if (io.avail_in == 0 && !finish)
            throw std::logic_error("asked for output without new input before the end");
        held_.insert(held_.end(), io.next_in, io.next_in + io.avail_in);
        io.next_in += io.avail_in;
        io.avail_in = 0;
        std::size_t n = std::min({held_.size() - handed_, io.avail_out, std::size_t{64} << 10});
        std::copy_n(held_.begin() + static_cast<std::ptrdiff_t>(handed_), n, io.next_out);
        io.next_out += n;
        io.avail_out -= n;
        handed_ += n;
        return finish && handed_ == held_.size() ? LADING_DONE : LADING_OK;
    }

private:
    std::vector<std::uint8_t> held_;
    std::size_t handed_ = 0;
};

struct rationed_copy_format {
    static constexpr const char* name = "rationed-copy";
    static constexpr const char* version = "0.0.1";
    static constexpr const char* media_suffix = "";
    static constexpr int32_t level_min = 0;
    static constexpr int32_t level_max = 0;
    static constexpr int32_t level_default = 0;
    static bool detect(const uint8_t*, size_t) { return false; }
    static std::unique_ptr<lading::sdk::codec> make_compressor(int32_t, uint32_t)
    {
        return std::make_unique<rationed_copy>();
    }
    static std::unique_ptr<lading::sdk::codec> make_decompressor() { return std::make_unique<rationed_copy>(); }
};

std::vector<std::uint8_t> random_bytes(std::size_t n)
{
    std::mt19937 gen(7);
    std::vector<std::uint8_t> bytes(n);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(gen());
    return bytes;
}

}  // namespace

TEST_CASE("build_layer brings new input with every call before the end, and gets late output out")
{
    const auto& table = lading::sdk::compressor_table<rationed_copy_format>::table;
    lading::plugin::compressor copy(lading::plugin::loaded_plugin{nullptr, &table.header, {}});
    lading::layer::compression_choice choice;
    choice.codec = &copy;

    // 5 MiB and a bit: the codec holds back most of each 1 MiB chunk until the end.
    const auto input = random_bytes((5u << 20) + 12345);
    lading::memory_source source(input);
    lading::blob_sink nowhere({});
    lading::progress_listener quiet;
    auto layer = lading::layer::build_layer(source, choice, nowhere, quiet, 0);

    lading::sha256_hasher expected;
    expected.update(input);
    const auto input_digest = expected.finish();
    CHECK(layer.size == input.size());
    CHECK(layer.uncompressed_size == input.size());
    CHECK(layer.blob == input_digest);  // the copy came out whole and in order
    CHECK(layer.diff_id == input_digest);
}
