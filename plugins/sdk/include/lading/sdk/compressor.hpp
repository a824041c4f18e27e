// Turning a C++ codec class into a lading_compressor_v1 table.
//
// A plugin author writes a class with
//   static constexpr const char* name, *version, *media_suffix;
//   static constexpr int32_t level_min, level_max, level_default;
//   static bool detect(const uint8_t* head, size_t len);
//   static std::unique_ptr<codec> make_compressor(int32_t level, uint32_t threads);
//   static std::unique_ptr<codec> make_decompressor();
// optionally static constexpr uint32_t flags (lading_compressor_flag bits, else none),
// and calls LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<MyCodec>::table).
#pragma once

#include <lading/plugin/abi.h>
#include <lading/sdk/barrier.hpp>
#include <lading/sdk/export.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <string>

namespace lading::sdk {

// Copies as much of bytes[pos...] as `io` has room for into its output and advances pos
// (for codecs that hand out a finished piece over several calls).
inline void hand_out(std::span<const std::uint8_t> bytes, std::size_t& pos, lading_stream_io& io)
{
    std::size_t n = std::min(bytes.size() - pos, io.avail_out);
    if (n == 0) return;
    std::memcpy(io.next_out, bytes.data() + pos, n);
    pos += n;
    io.next_out += n;
    io.avail_out -= n;
}

// One compression or decompression stream.
class codec {
public:
    virtual ~codec() = default;
    // Same contract as lading_compressor_v1::transform; throw on failure.
    virtual lading_status transform(lading_stream_io& io, bool finish) = 0;
    virtual std::string annotations_json() const { return "{}"; }
    virtual std::string diff_id() const { return {}; }
};

}  // namespace lading::sdk

struct lading_codec {
    std::unique_ptr<lading::sdk::codec> impl;
    std::string error;
    std::string annotations;
    std::string diff_id;
};

namespace lading::sdk {

template <class Impl>
struct compressor_table {
    static lading_codec* wrap(std::unique_ptr<codec> impl)
    {
        auto* c = new lading_codec{};
        c->impl = std::move(impl);
        return c;
    }

    static int detect(const uint8_t* head, size_t len) noexcept
    {
        return barrier(0, [&] { return Impl::detect(head, len) ? 1 : 0; }, [](const std::string&) {});
    }

    static lading_codec* compressor_new(int32_t level, uint32_t threads, char* error, size_t error_len) noexcept
    {
        return barrier<lading_codec*>(
            nullptr, [&] { return wrap(Impl::make_compressor(level, threads == 0 ? 1 : threads)); },
            [&](const std::string& m) { copy_error(m, error, error_len); });
    }

    static lading_codec* decompressor_new(char* error, size_t error_len) noexcept
    {
        return barrier<lading_codec*>(
            nullptr, [&] { return wrap(Impl::make_decompressor()); },
            [&](const std::string& m) { copy_error(m, error, error_len); });
    }

    static int transform(lading_codec* c, lading_stream_io* io, int finish) noexcept
    {
        return barrier<int>(
            LADING_ERROR, [&] { return static_cast<int>(c->impl->transform(*io, finish != 0)); },
            [&](const std::string& m) { c->error = m; });
    }

    static const char* annotations_json(lading_codec* c) noexcept
    {
        c->annotations = barrier<std::string>(
            "{}", [&] { return c->impl->annotations_json(); }, [&](const std::string& m) { c->error = m; });
        return c->annotations.c_str();
    }

    static const char* diff_id(lading_codec* c) noexcept
    {
        c->diff_id = barrier<std::string>(
            "", [&] { return c->impl->diff_id(); }, [&](const std::string& m) { c->error = m; });
        return c->diff_id.c_str();
    }

    static const char* last_error(lading_codec* c) noexcept { return c->error.c_str(); }
    static void destroy(lading_codec* c) noexcept { delete c; }

    static constexpr uint32_t flags()
    {
        if constexpr (requires { Impl::flags; })
            return Impl::flags;
        else
            return 0;
    }

    static inline const lading_compressor_v1 table{
        make_header<lading_compressor_v1>(LADING_KIND_COMPRESSOR, Impl::name, Impl::version),
        Impl::media_suffix,
        Impl::level_min,
        Impl::level_max,
        Impl::level_default,
        &detect,
        &compressor_new,
        &decompressor_new,
        &transform,
        &annotations_json,
        &diff_id,
        &last_error,
        &destroy,
        flags(),
    };
};

}  // namespace lading::sdk
