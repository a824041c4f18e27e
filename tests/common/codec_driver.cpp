#include "common/codec_driver.hpp"

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace lading::test {

namespace {
struct loaded_plugin {
    boost::dll::shared_library library;
    const lading_compressor_v1* table = nullptr;
};
}  // namespace

const lading_compressor_v1& compressor_table(const std::filesystem::path& dir, const std::string& name)
{
    static std::map<std::filesystem::path, std::unique_ptr<loaded_plugin>> cache;
    const auto path = dir / ("liblading-compressor-" + name + ".so");
    auto& slot = cache[path];
    if (!slot) {
        auto plugin = std::make_unique<loaded_plugin>();
        plugin->library = boost::dll::shared_library(path.string(), boost::dll::load_mode::default_mode);
        auto& entry = plugin->library.get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
        const lading_plugin_header* header = entry();
        if (header == nullptr || header->kind != LADING_KIND_COMPRESSOR)
            throw std::runtime_error(path.string() + ": no compressor table");
        plugin->table = reinterpret_cast<const lading_compressor_v1*>(header);
        slot = std::move(plugin);
    }
    return *slot->table;
}

codec_handle new_compressor(const lading_compressor_v1& table, int level, unsigned threads)
{
    char error[512] = "";
    lading_codec* c = table.compressor_new(level, threads, error, sizeof error);
    if (c == nullptr) throw std::runtime_error(std::string("compressor_new failed: ") + error);
    return codec_handle(c, table.destroy);
}

codec_handle new_decompressor(const lading_compressor_v1& table)
{
    char error[512] = "";
    lading_codec* c = table.decompressor_new(error, sizeof error);
    if (c == nullptr) throw std::runtime_error(std::string("decompressor_new failed: ") + error);
    return codec_handle(c, table.destroy);
}

codec_outcome run_codec(const lading_compressor_v1& table, lading_codec* codec, const codec_bytes& input,
                        const codec_feeding& feeding)
{
    codec_outcome result;
    codec_bytes buffer;
    std::size_t pos = 0;
    for (;;) {
        std::size_t n = std::min(feeding.next_slice(), input.size() - pos);
        bool last = pos + n == input.size();
        bool finish = last && !(feeding.finish_separately && n > 0);
        lading_stream_io io{input.data() + pos, n, nullptr, 0};
        for (int idle = 0;;) {
            buffer.resize(feeding.next_out());
            io.next_out = buffer.data();
            io.avail_out = buffer.size();
            const std::uint8_t* in_before = io.next_in;
            int status = table.transform(codec, &io, finish ? 1 : 0);
            result.output.insert(result.output.end(), buffer.data(), io.next_out);
            if (status == LADING_ERROR) {
                result.status = status;
                result.error = table.last_error(codec);
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

}  // namespace lading::test
