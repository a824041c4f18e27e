// igzip (ISA-L 2.30) hashes its stream's own address for the third input position of a
// fresh stream. These tests show that this address bucket is all that varies, and that
// lading's encoders always sit in the pinned bucket.
#if defined(__x86_64__)

#include "isal_deflate.hpp"
#include "isal_stream_slot.hpp"

#include <catch2/catch.hpp>
#include <libdeflate.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
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

TEST_CASE("each bucket falls on exactly one slot of an aligned block of 2^15 slots", "[plugins][compressor][gzip][isal]")
{
    // What lets a slot be found inside one reserved block of address space.
    for (std::uintptr_t block : {std::uintptr_t{0x7f00}, std::uintptr_t{0x1234} << 15}) {
        std::vector<int> hits(stream_bucket_mask + 1);
        for (std::uintptr_t slot = 0; slot <= stream_bucket_mask; ++slot)
            ++hits[stream_bucket(((block << 15) + slot) << 16)];
        CHECK(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(hits.size()));
    }
}

TEST_CASE("without room to reserve a block, a stream is still placed in the pinned bucket",
          "[plugins][compressor][gzip][isal]")
{
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Address space for what the process has plus 1 GiB: too little for the 4 GiB
        // reservation, enough for the search of free addresses.
        std::ifstream statm("/proc/self/statm");
        unsigned long long pages = 0;
        statm >> pages;
        const rlim_t limit = pages * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (rlim_t{1} << 30);
        rlimit r{limit, limit};
        if (::setrlimit(RLIMIT_AS, &r) != 0) ::_exit(2);
        try {
            isal_stream_slot slot;
            ::_exit(stream_bucket(reinterpret_cast<std::uintptr_t>(slot.stream())) == pinned_stream_bucket ? 0 : 3);
        } catch (...) {
            ::_exit(4);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

#endif
