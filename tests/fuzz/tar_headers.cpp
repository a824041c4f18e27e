// The tar header codec on its own (core/formats), below every tar reader: a whole archive in
// memory, decoded entry by entry. Besides not crashing, what it accepts must keep the
// codec's promises to the readers built on it.
#include <lading/formats/format_error.hpp>
#include <lading/formats/list_archive.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lading::formats;
    try {
        for (const auto& entry : ustar::list_archive({data, size})) {
            // Only regular files carry content; an accepted name never holds a NUL.
            if (entry.kind != ustar::entry_kind::regular && entry.size != 0) std::abort();
            if (entry.name.find('\0') != std::string::npos) std::abort();
        }
    } catch (const format_error&) {
    }
    return 0;
}
