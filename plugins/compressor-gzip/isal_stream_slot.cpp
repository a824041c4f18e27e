#include "isal_stream_slot.hpp"

#include <isa-l/igzip_lib.h>

#include <sys/mman.h>

#include <stdexcept>

namespace lading::plugins::gzip {

namespace {

static_assert(IGZIP_LVL1_HASH_SIZE - 1 <= stream_bucket_mask && IGZIP_LVL2_HASH_SIZE - 1 <= stream_bucket_mask,
              "a level's hash mask reaches beyond the pinned bits");

constexpr unsigned slot_shift = 16;  // igzip hashes the address shifted right by 16
constexpr std::size_t slot_size = sizeof(isal_zstream);
constexpr int attempts = 64;

// CRC-32C of a 32-bit value from a zero state, as the SSE4.2 crc32 instruction computes it.
std::uint32_t crc32c_of(std::uint32_t value)
{
    std::uint32_t crc = 0;
    for (int byte = 0; byte < 4; ++byte) {
        crc ^= (value >> (8 * byte)) & 0xffu;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return crc;
}

// The next 64 KiB-aligned address at or below `below` whose bucket is `bucket`.
std::uintptr_t candidate_at_or_below(std::uintptr_t below, std::uint32_t bucket)
{
    for (std::uintptr_t slot = below >> slot_shift; slot > 0; --slot)
        if (stream_bucket(slot << slot_shift) == bucket) return slot << slot_shift;
    return 0;
}

void* map_exactly_at(std::uintptr_t address)
{
    void* wanted = reinterpret_cast<void*>(address);
    void* got = ::mmap(wanted, slot_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
    if (got == wanted) return got;
    if (got != MAP_FAILED) ::munmap(got, slot_size);  // a kernel before 4.17 took the address as a hint
    return nullptr;
}

// Where the kernel would put a mapping now: candidates are searched downwards from there,
// inside the region it already hands out.
std::uintptr_t mapping_area()
{
    void* probe = ::mmap(nullptr, slot_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED) throw std::runtime_error("gzip: cannot map memory for an ISA-L stream");
    ::munmap(probe, slot_size);
    return reinterpret_cast<std::uintptr_t>(probe);
}

}  // namespace

std::uint32_t stream_bucket(std::uintptr_t address)
{
    return crc32c_of(static_cast<std::uint32_t>(address >> slot_shift)) & stream_bucket_mask;
}

isal_stream_slot::isal_stream_slot(std::uint32_t bucket)
{
    if (bucket > stream_bucket_mask) throw std::invalid_argument("gzip: no such ISA-L stream bucket");
    std::uintptr_t below = mapping_area();
    for (int attempt = 0; attempt < attempts; ++attempt) {
        std::uintptr_t address = candidate_at_or_below(below, bucket);
        if (address == 0) break;
        if (void* mapped = map_exactly_at(address)) {
            stream_ = static_cast<isal_zstream*>(mapped);
            return;
        }
        below = address - (std::uintptr_t{1} << slot_shift);
    }
    throw std::runtime_error("gzip: cannot place an ISA-L stream at a reproducible address "
                             "(LADING_GZIP_ENCODER=libdeflate avoids ISA-L)");
}

isal_stream_slot::~isal_stream_slot() { ::munmap(stream_, slot_size); }

}  // namespace lading::plugins::gzip
