// Base layers passed through unchanged: the checked source validates each record (and
// clamps PAX times when rewrite-timestamp is on); what it lets through must read back.
#include "fuzz_input.hpp"

#include <lading/stream/byte_source.hpp>
#include "tar/checked_tar_source.hpp"
#include "tar/tar_reader.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>

namespace {

std::string pass_through(std::span<const std::uint8_t> bytes, std::optional<std::int64_t> clamp)
{
    lading::tar::checked_tar_source checked(std::make_unique<lading::memory_source>(bytes), clamp, "layer");
    std::string out;
    std::array<std::uint8_t, 1000> buffer;
    while (auto n = checked.read(buffer)) out.append(reinterpret_cast<const char*>(buffer.data()), n);
    return out;
}

void read_back(const std::string& tar)
{
    lading::memory_source source({reinterpret_cast<const std::uint8_t*>(tar.data()), tar.size()});
    lading::tar::tar_reader reader(source, "checked layer");
    std::array<std::uint8_t, 512> buffer;
    while (reader.next())
        while (reader.read_content(buffer) > 0) {
        }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto bytes = lading::fuzz::as_bytes(data, size);
    for (std::optional<std::int64_t> clamp : {std::optional<std::int64_t>(), std::optional<std::int64_t>(1000000000)})
        lading::fuzz::expect_clean_rejection([&] { read_back(pass_through(bytes, clamp)); });
    return 0;
}
