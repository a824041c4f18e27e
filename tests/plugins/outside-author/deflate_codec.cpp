// A compressor written the way an outside plugin author writes one: only <lading/plugin/abi.h>
// and the SDK headers, no lading library. It makes single-member gzip with plain zlib, so its
// layers are ordinary tar+gzip that any reader takes.
#include <lading/sdk/compressor.hpp>

#include <stdexcept>
#include <zlib.h>

namespace {

class zlib_gzip : public lading::sdk::codec {
public:
    zlib_gzip(int level, bool compress) : compress_(compress)
    {
        int r = compress ? deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
                         : inflateInit2(&z_, 15 + 16);
        if (r != Z_OK) throw std::runtime_error("zlib init failed");
        if (compress) {
            // A fixed header (no name, mtime 0) keeps the output reproducible. zlib keeps a
            // pointer to it until the header is written, so it lives in the object.
            header_.os = 255;
            deflateSetHeader(&z_, &header_);
        }
    }
    ~zlib_gzip() override { compress_ ? deflateEnd(&z_) : inflateEnd(&z_); }

    lading_status transform(lading_stream_io& io, bool finish) override
    {
        z_.next_in = const_cast<Bytef*>(io.next_in);
        z_.avail_in = static_cast<uInt>(io.avail_in);
        z_.next_out = io.next_out;
        z_.avail_out = static_cast<uInt>(io.avail_out);
        int r = compress_ ? deflate(&z_, finish ? Z_FINISH : Z_NO_FLUSH) : inflate(&z_, Z_NO_FLUSH);
        io.next_in = z_.next_in;
        io.avail_in = z_.avail_in;
        io.next_out = z_.next_out;
        io.avail_out = z_.avail_out;
        if (r == Z_STREAM_END) return LADING_DONE;
        if (r == Z_OK || r == Z_BUF_ERROR) {
            if (!compress_ && finish && io.avail_in == 0 && r == Z_BUF_ERROR)
                throw std::runtime_error("truncated gzip stream");
            return LADING_OK;
        }
        throw std::runtime_error(z_.msg ? z_.msg : "zlib error");
    }

private:
    z_stream z_{};
    gz_header header_{};
    bool compress_;
};

struct outside_gzip {
    static constexpr const char* name = "outside-gzip";
    static constexpr const char* version = "0.0.1";
    static constexpr const char* media_suffix = "gzip";
    static constexpr int32_t level_min = 1, level_max = 9, level_default = 1;
    static bool detect(const uint8_t*, size_t) { return false; }  // leaves detection to the built-in gzip
    static std::unique_ptr<lading::sdk::codec> make_compressor(int32_t level, uint32_t)
    {
        return std::make_unique<zlib_gzip>(level, true);
    }
    static std::unique_ptr<lading::sdk::codec> make_decompressor() { return std::make_unique<zlib_gzip>(0, false); }
};

}  // namespace

LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<outside_gzip>::table)
