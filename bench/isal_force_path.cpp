// LD_PRELOAD shim that pins ISA-L's igzip to one instruction-set path, so the deflate
// output of every path this CPU can run is compared on one machine
// (bench/isal-paths.sh). libisal reaches its multibinary entry points through the PLT,
// so defining them here overrides the CPUID dispatch. The table follows the
// mbin_dispatch lines of igzip_multibinary.asm in ISA-L 2.30 for the entry points the
// stateless levels 1..3 use.
//
// LADING_ISAL_PATH = base | sse | avx | avx2 | avx512 (unset: abort, to catch misuse).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
// The per-path variants, exported by libisal.
void isal_deflate_icf_body_hash_hist_base(void*);
void isal_deflate_icf_body_hash_hist_01(void*);
void isal_deflate_icf_body_hash_hist_02(void*);
void isal_deflate_icf_body_hash_hist_04(void*);
void icf_body_hash1_fillgreedy_lazy(void*);
void icf_body_lazyhash1_fillgreedy_greedy(void*);
void isal_deflate_icf_finish_hash_hist_base(void*);
void isal_deflate_icf_finish_hash_hist_01(void*);
void isal_deflate_icf_finish_hash_map_base(void*);
void* encode_deflate_icf_base(void*, void*, void*, void*);
void* encode_deflate_icf_04(void*, void*, void*, void*);
void* encode_deflate_icf_06(void*, void*, void*, void*);
void set_long_icf_fg_base(std::uint8_t*, std::uint64_t, std::uint64_t, void*);
void set_long_icf_fg_04(std::uint8_t*, std::uint64_t, std::uint64_t, void*);
void set_long_icf_fg_06(std::uint8_t*, std::uint64_t, std::uint64_t, void*);
std::uint64_t gen_icf_map_h1_base(void*, void*, std::uint64_t);
std::uint64_t gen_icf_map_lh1_04(void*, void*, std::uint64_t);
std::uint64_t gen_icf_map_lh1_06(void*, void*, std::uint64_t);
}

namespace {

struct path {
    const char* name;
    void (*body12)(void*);
    void (*body3)(void*);
    void (*finish12)(void*);
    void (*finish3)(void*);
    void* (*encode)(void*, void*, void*, void*);
    void (*set_long)(std::uint8_t*, std::uint64_t, std::uint64_t, void*);
    std::uint64_t (*icf_map)(void*, void*, std::uint64_t);
};

const path paths[] = {
    {"base", isal_deflate_icf_body_hash_hist_base, icf_body_hash1_fillgreedy_lazy,
     isal_deflate_icf_finish_hash_hist_base, isal_deflate_icf_finish_hash_map_base, encode_deflate_icf_base,
     set_long_icf_fg_base, gen_icf_map_h1_base},
    {"sse", isal_deflate_icf_body_hash_hist_01, icf_body_hash1_fillgreedy_lazy, isal_deflate_icf_finish_hash_hist_01,
     isal_deflate_icf_finish_hash_map_base, encode_deflate_icf_base, set_long_icf_fg_base, gen_icf_map_h1_base},
    {"avx", isal_deflate_icf_body_hash_hist_02, icf_body_hash1_fillgreedy_lazy, isal_deflate_icf_finish_hash_hist_01,
     isal_deflate_icf_finish_hash_map_base, encode_deflate_icf_base, set_long_icf_fg_base, gen_icf_map_h1_base},
    {"avx2", isal_deflate_icf_body_hash_hist_04, icf_body_lazyhash1_fillgreedy_greedy,
     isal_deflate_icf_finish_hash_hist_01, isal_deflate_icf_finish_hash_map_base, encode_deflate_icf_04,
     set_long_icf_fg_04, gen_icf_map_lh1_04},
    {"avx512", isal_deflate_icf_body_hash_hist_04, icf_body_lazyhash1_fillgreedy_greedy,
     isal_deflate_icf_finish_hash_hist_01, isal_deflate_icf_finish_hash_map_base, encode_deflate_icf_06,
     set_long_icf_fg_06, gen_icf_map_lh1_06},
};

const path& chosen()
{
    static const path* p = [] {
        const char* want = std::getenv("LADING_ISAL_PATH");
        for (const path& candidate : paths)
            if (want != nullptr && std::strcmp(want, candidate.name) == 0) return &candidate;
        std::fprintf(stderr, "force_isal_path: set LADING_ISAL_PATH to base, sse, avx, avx2 or avx512\n");
        std::abort();
    }();
    return *p;
}

}  // namespace

extern "C" {
void isal_deflate_icf_body_lvl1(void* s) { chosen().body12(s); }
void isal_deflate_icf_body_lvl2(void* s) { chosen().body12(s); }
void isal_deflate_icf_body_lvl3(void* s) { chosen().body3(s); }
void isal_deflate_icf_finish_lvl1(void* s) { chosen().finish12(s); }
void isal_deflate_icf_finish_lvl2(void* s) { chosen().finish12(s); }
void isal_deflate_icf_finish_lvl3(void* s) { chosen().finish3(s); }
void* encode_deflate_icf(void* next, void* end, void* bits, void* tables) { return chosen().encode(next, end, bits, tables); }
void set_long_icf_fg(std::uint8_t* next, std::uint64_t processed, std::uint64_t size, void* lookup)
{
    chosen().set_long(next, processed, size, lookup);
}
std::uint64_t gen_icf_map_lh1(void* s, void* lookup, std::uint64_t size) { return chosen().icf_map(s, lookup, size); }
}
