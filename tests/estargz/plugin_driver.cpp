#include "plugin_driver.hpp"

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

namespace estargz_test {

namespace {

struct loaded {
    boost::dll::shared_library library;
    const lading_compressor_v1* table = nullptr;
};

using codec_ptr = std::unique_ptr<lading_codec, void (*)(lading_codec*)>;

struct outcome {
    int status = LADING_OK;
    std::string error;
    bytes output;
};

// Pushes input through codec as the host does; contract breaches throw.
outcome run(const lading_compressor_v1& t, lading_codec* codec, const bytes& input, const feed& f)
{
    std::mt19937_64 rng(f.seed);
    auto draw = [&](std::size_t max) { return std::uniform_int_distribution<std::size_t>(1, max)(rng); };
    outcome result;
    std::size_t pos = 0;
    for (;;) {
        std::size_t n = std::min(draw(f.max_slice), input.size() - pos);
        bool last = pos + n == input.size();
        bool finish = last && !(f.finish_separately && n > 0);
        lading_stream_io io{input.data() + pos, n, nullptr, 0};
        for (int idle = 0;;) {
            bytes buffer(draw(f.max_out));
            io.next_out = buffer.data();
            io.avail_out = buffer.size();
            const std::uint8_t* in_before = io.next_in;
            int status = t.transform(codec, &io, finish ? 1 : 0);
            result.output.insert(result.output.end(), buffer.data(), io.next_out);
            if (status == LADING_ERROR) {
                result.status = status;
                result.error = t.last_error(codec);
                return result;
            }
            if (status == LADING_DONE) {
                if (!finish || io.avail_in != 0) throw std::logic_error("LADING_DONE before all input was finished");
                result.status = status;
                return result;
            }
            if (status != LADING_OK) throw std::logic_error("unexpected status " + std::to_string(status));
            bool progressed = io.next_in != in_before || io.next_out != buffer.data();
            idle = progressed ? 0 : idle + 1;
            if (idle > 1000) throw std::logic_error("transform makes no progress");
            if (!finish && io.avail_in == 0 && io.avail_out > 0) break;
        }
        pos += n;
    }
}

}  // namespace

const lading_compressor_v1& estargz_table()
{
    static const loaded plugin = [] {
        loaded l;
        l.library = boost::dll::shared_library(std::string(LADING_TEST_PLUGIN_DIR) + "/liblading-compressor-estargz.so",
                                               boost::dll::load_mode::default_mode);
        auto& entry = l.library.get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
        const lading_plugin_header* header = entry();
        if (header == nullptr || header->kind != LADING_KIND_COMPRESSOR)
            throw std::runtime_error("liblading-compressor-estargz.so: no compressor table");
        l.table = reinterpret_cast<const lading_compressor_v1*>(header);
        return l;
    }();
    return *plugin.table;
}

compressed compress(const bytes& tar, const feed& f, unsigned threads, int level)
{
    const auto& t = estargz_table();
    char error[512] = "";
    codec_ptr codec(t.compressor_new(level, threads, error, sizeof error), t.destroy);
    if (!codec) throw std::runtime_error(std::string("compressor_new failed: ") + error);
    outcome o = run(t, codec.get(), tar, f);
    compressed c;
    c.status = o.status;
    c.error = o.error;
    c.blob = std::move(o.output);
    if (c.status == LADING_DONE) {
        c.annotations_json = t.annotations_json(codec.get());
        c.diff_id = t.diff_id(codec.get());
    }
    return c;
}

compressed compress_ok(const bytes& tar, const feed& f, unsigned threads, int level)
{
    compressed c = compress(tar, f, threads, level);
    if (c.status != LADING_DONE) throw std::runtime_error("estargz compression failed: " + c.error);
    return c;
}

bytes decompress(const bytes& blob, const feed& f)
{
    const auto& t = estargz_table();
    char error[512] = "";
    codec_ptr codec(t.decompressor_new(error, sizeof error), t.destroy);
    if (!codec) throw std::runtime_error(std::string("decompressor_new failed: ") + error);
    outcome o = run(t, codec.get(), blob, f);
    if (o.status != LADING_DONE) throw std::runtime_error("estargz decompression failed: " + o.error);
    return std::move(o.output);
}

}  // namespace estargz_test
