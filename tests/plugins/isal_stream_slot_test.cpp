// igzip (ISA-L 2.30) hashes its stream's own address for the third input position of a
// fresh stream. These tests show that this address bucket is all that varies, and that
// lading's encoders always sit in the pinned bucket.
#if defined(__x86_64__)

#include "isal_deflate.hpp"
#include "isal_stream_slot.hpp"

#include <catch2/catch.hpp>
#include <libdeflate.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <vector>

using namespace lading::plugins::gzip;

namespace {

using bytes = std::vector<std::uint8_t>;

bytes deflate_with(isal_deflate& encoder, const bytes& input)
{
    bytes out(isal_deflate::bound(input.size()));
    out.resize(encoder.compress(input, out));
    return out;
}

bytes inflate(const bytes& deflated, std::size_t size)
{
    bytes out(size);
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::size_t got = 0;
    auto rc = libdeflate_deflate_decompress(d, deflated.data(), deflated.size(), out.data(), out.size(), &got);
    libdeflate_free_decompressor(d);
    REQUIRE(rc == LIBDEFLATE_SUCCESS);
    out.resize(got);
    return out;
}

// Random letters (few enough to compress, so igzip keeps a compressed block) whose
// positions 2..9 come back at 12..19, found there only if position 2 was filed under its
// own hash.
bytes input_with_one_early_repeat()
{
    std::mt19937 random(20261203);
    bytes input(4096);
    for (auto& b : input) b = static_cast<std::uint8_t>('a' + random() % 16);
    std::memcpy(input.data() + 12, input.data() + 2, 8);
    return input;
}

// The bucket igzip's hash of position 2 falls in: the same CRC-32C as the address bucket.
std::uint32_t bucket_of_third_position(const bytes& input)
{
    std::uint32_t word = 0;
    std::memcpy(&word, input.data() + 2, sizeof word);  // x86-64: little-endian, as igzip loads it
    return stream_bucket(std::uintptr_t{word} << 16);
}

}  // namespace

TEST_CASE("igzip's bytes depend on its stream's address bucket, and on nothing else of the address",
          "[plugins][compressor][gzip][isal]")
{
    const bytes input = input_with_one_early_repeat();
    const std::uint32_t own = bucket_of_third_position(input);
    const std::uint32_t other = own ^ 1;
    for (int level : {1, 2}) {
        CAPTURE(level);
        isal_deflate in_own(level, own), in_own_again(level, own), in_other(level, other);
        const bytes found = deflate_with(in_own, input);
        const bytes missed = deflate_with(in_other, input);
        // Filed under its own hash, position 2 is found again at 12; filed elsewhere, not.
        CHECK(found != missed);
        // Another stream, at another address in the same bucket, gives the same bytes.
        CHECK(deflate_with(in_own_again, input) == found);
        CHECK(inflate(found, input.size()) == input);
        CHECK(inflate(missed, input.size()) == input);
    }
}

TEST_CASE("every igzip stream lading makes sits in the pinned bucket", "[plugins][compressor][gzip][isal]")
{
    std::vector<std::unique_ptr<isal_stream_slot>> slots;
    std::set<const void*> addresses;
    for (int i = 0; i < 8; ++i) {
        slots.push_back(std::make_unique<isal_stream_slot>());
        const auto address = reinterpret_cast<std::uintptr_t>(slots.back()->stream());
        CHECK(stream_bucket(address) == pinned_stream_bucket);
        addresses.insert(slots.back()->stream());
    }
    CHECK(addresses.size() == slots.size());

    // Encoders made at different times, at different addresses, agree byte for byte.
    const bytes input = input_with_one_early_repeat();
    isal_deflate first(1);
    slots.clear();
    isal_deflate second(1);
    CHECK(deflate_with(first, input) == deflate_with(second, input));
    CHECK_THROWS_AS(isal_stream_slot(stream_bucket_mask + 1), std::invalid_argument);
}

#endif
