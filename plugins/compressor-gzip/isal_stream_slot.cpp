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
constexpr std::size_t slot_span = (slot_size + 0xffff) & ~std::size_t{0xffff};
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

// Within any aligned block of 2^15 consecutive 64 KiB slots, each bucket falls on exactly one
// slot: the CRC is linear, and on 15-bit values its low 15 bits are a bijection (checked by
// the plugin's tests).
constexpr std::size_t bucket_block = std::size_t{stream_bucket_mask + 1} << slot_shift;  // 2 GiB

std::uintptr_t slot_in_block(std::uintptr_t block_start, std::uint32_t bucket)
{
    for (std::uintptr_t a = block_start; a < block_start + bucket_block; a += std::uintptr_t{1} << slot_shift)
        if (stream_bucket(a) == bucket) return a;
    return 0;
}

// Reserves address space (nothing committed) holding a whole aligned block, maps the slot
// inside it and hands the rest back. nullptr when the process may not reserve that much.
void* map_in_reservation(std::uint32_t bucket)
{
    const std::size_t span = 2 * bucket_block + slot_span;
    void* reserved = ::mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(reserved);
    const auto block_start = (start + bucket_block - 1) & ~(bucket_block - 1);
    const std::uintptr_t slot = slot_in_block(block_start, bucket);
    void* mapped = slot == 0 ? MAP_FAILED
                             : ::mmap(reinterpret_cast<void*>(slot), slot_span, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (mapped == MAP_FAILED) {
        ::munmap(reserved, span);
        return nullptr;
    }
    ::munmap(reserved, slot - start);
    ::munmap(reinterpret_cast<void*>(slot + slot_span), start + span - (slot + slot_span));
    return mapped;
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
    void* got = ::mmap(wanted, slot_span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
    if (got == wanted) return got;
    if (got != MAP_FAILED) ::munmap(got, slot_span);  // a kernel before 4.17 took the address as a hint
    return nullptr;
}

// With too little address space to reserve a block: free addresses of the bucket, searched
// downwards from where the kernel would map now.
void* map_at_free_candidate(std::uint32_t bucket)
{
    void* probe = ::mmap(nullptr, slot_span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED) return nullptr;
    ::munmap(probe, slot_span);
    std::uintptr_t below = reinterpret_cast<std::uintptr_t>(probe);
    for (int attempt = 0; attempt < attempts; ++attempt) {
        std::uintptr_t address = candidate_at_or_below(below, bucket);
        if (address == 0) break;
        if (void* mapped = map_exactly_at(address)) return mapped;
        below = address - (std::uintptr_t{1} << slot_shift);
    }
    return nullptr;
}

}  // namespace

std::uint32_t stream_bucket(std::uintptr_t address)
{
    return crc32c_of(static_cast<std::uint32_t>(address >> slot_shift)) & stream_bucket_mask;
}

isal_stream_slot::isal_stream_slot(std::uint32_t bucket)
{
    if (bucket > stream_bucket_mask) throw std::invalid_argument("gzip: no such ISA-L stream bucket");
    void* mapped = map_in_reservation(bucket);
    if (mapped == nullptr) mapped = map_at_free_candidate(bucket);
    if (mapped == nullptr)
        throw std::runtime_error("gzip: cannot place an ISA-L stream at a reproducible address "
                                 "(LADING_GZIP_ENCODER=libdeflate avoids ISA-L)");
    stream_ = static_cast<isal_zstream*>(mapped);
}

isal_stream_slot::~isal_stream_slot() { ::munmap(stream_, slot_span); }

}  // namespace lading::plugins::gzip
