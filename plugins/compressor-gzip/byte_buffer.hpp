// The byte buffers of the gzip and estargz codecs (chunks, members, their compressed
// output): large ones are pages mapped for them alone and unmapped when freed. Through
// malloc, buffers of a few hundred KiB to a few MiB freed on one thread and allocated on
// another would stay in glibc's arenas as free but resident memory, growing the process
// by tens of MiB over a layer; mapped pages go back to the system at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include <sys/mman.h>

namespace lading::plugins::gzip {

template <class T>
struct mapped_allocator {
    using value_type = T;
    // Below this, malloc's own free lists serve best.
    static constexpr std::size_t mapped_from = 128 * 1024;

    mapped_allocator() = default;
    template <class U>
    mapped_allocator(const mapped_allocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t n)
    {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < mapped_from) return static_cast<T*>(::operator new(bytes));
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept
    {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < mapped_from)
            ::operator delete(p);
        else
            ::munmap(p, bytes);
    }
    // resize() leaves new bytes uninitialised, as append() overwrites them at once.
    template <class U, class... Args>
    void construct(U* p, Args&&... args)
    {
        if constexpr (sizeof...(Args) == 0)
            ::new (static_cast<void*>(p)) U;
        else
            ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U>
    bool operator==(const mapped_allocator<U>&) const noexcept
    {
        return true;
    }
};

using byte_buffer = std::vector<std::uint8_t, mapped_allocator<std::uint8_t>>;

// Appends bytes with one memcpy (insert() copies a vector with its own allocator byte by byte).
inline void append(byte_buffer& buffer, std::span<const std::uint8_t> bytes)
{
    if (bytes.empty()) return;
    const std::size_t used = buffer.size();
    buffer.resize(used + bytes.size());
    std::memcpy(buffer.data() + used, bytes.data(), bytes.size());
}

}  // namespace lading::plugins::gzip
