#include <lading/formats/list_archive.hpp>

#include <string>

namespace lading::formats::ustar {

std::vector<decoded_entry> list_archive(std::span<const std::uint8_t> archive)
{
    std::vector<decoded_entry> out;
    header_decoder decoder;
    std::size_t at = 0;
    auto take = [&](std::uint64_t n) {
        if (n > archive.size() - at) throw format_error("it ends inside an entry at offset " + std::to_string(archive.size()));
        auto piece = archive.subspan(at, static_cast<std::size_t>(n));
        at += static_cast<std::size_t>(n);
        return piece;
    };
    for (;;) {
        if (at == archive.size()) {
            decoder.take_end_of_input();
            return out;
        }
        switch (decoder.take_block(block_view(take(block_size).data(), block_size))) {
        case header_decoder::step::first_zero_block: break;
        case header_decoder::step::end: return out;
        case header_decoder::step::extension: {
            const auto size = decoder.extension_size();
            auto body = take(size);
            take(padding_for(size));
            decoder.take_extension({reinterpret_cast<const char*>(body.data()), body.size()});
            break;
        }
        case header_decoder::step::entry:
            out.push_back(decoder.entry());
            take(out.back().size);
            take(padding_for(out.back().size));
            break;
        }
    }
}

}  // namespace lading::formats::ustar
