// Layer tars (base image layers, unpack): every entry and all of its content.
#include "fuzz_input.hpp"

#include <lading/stream/byte_source.hpp>
#include "tar/tar_reader.hpp"

#include <array>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    lading::memory_source source(lading::fuzz::as_bytes(data, size));
    lading::fuzz::expect_clean_rejection([&] {
        lading::tar::tar_reader reader(source, "layer");
        std::array<std::uint8_t, 700> buffer;
        while (auto e = reader.next()) {
            lading::tar::printable_name(e->header.name);
            while (reader.read_content(buffer) > 0) {
            }
        }
    });
    return 0;
}
