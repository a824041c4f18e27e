// A store plugin whose table is the first lading_store_v1 (it ends at blob_path), as a
// plugin built before the appended entries has it. It forwards to the oci-layout store
// but declares the first table's size, and every appended entry aborts: a host that reads
// past struct_size dies here instead of passing.
#include <lading/plugin/abi.h>

#include <boost/dll/alias.hpp>
#include <boost/dll/shared_library.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdlib>

namespace lading_first_store_table {

[[noreturn]] void trap(const char* entry) noexcept
{
    std::fprintf(stderr, "first-table store plugin: the host called %s, past the table's size\n", entry);
    std::abort();
}

lading_store* open_read_only(const char*, char*, size_t) noexcept { trap("open_read_only"); }
int list_contents(lading_store*, lading_content_visitor, void*) noexcept { trap("list_contents"); }
int metadata_get(lading_store*, const char*, lading_bytes_visitor, void*) noexcept { trap("metadata_get"); }
int metadata_put(lading_store*, const char*, const uint8_t*, size_t) noexcept { trap("metadata_put"); }
const char* local_root(lading_store*) noexcept { trap("local_root"); }
int unpack(lading_store*, const lading_unpack_request*, const char**) noexcept { trap("unpack"); }

const lading_store_v1& table()
{
    static const lading_store_v1 first = [] {
        static boost::dll::shared_library oci_layout(LADING_OCI_LAYOUT_PLUGIN);
        auto& entry = oci_layout.get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
        lading_store_v1 t = *reinterpret_cast<const lading_store_v1*>(entry());
        t.header.struct_size = offsetof(lading_store_v1, open_read_only);
        t.header.name = "first-table";
        t.header.version = "0.1.0";
        t.open_read_only = &open_read_only;
        t.list_contents = &list_contents;
        t.metadata_get = &metadata_get;
        t.metadata_put = &metadata_put;
        t.local_root = &local_root;
        t.unpack = &unpack;
        return t;
    }();
    return first;
}

const lading_plugin_header* entry() noexcept { return &table().header; }

}  // namespace lading_first_store_table

BOOST_DLL_ALIAS(lading_first_store_table::entry, lading_plugin_entry_v1)
