// A compressor plugin whose table is the first lading_compressor_v1 (it ends at destroy),
// as a plugin built before the flags field has it. It forwards to the gzip plugin under the
// name "first-table-gzip". Past its declared size its table says
// LADING_COMPRESSOR_OWN_DIFF_ID, which gzip's codec does not honour: a host that read past
// struct_size would skip hashing the input and then find no diffID.
#include <lading/plugin/abi.h>

#include <boost/dll/alias.hpp>
#include <boost/dll/shared_library.hpp>

#include <cstddef>

namespace lading_first_compressor_table {

const lading_compressor_v1& table()
{
    static const lading_compressor_v1 first = [] {
        static boost::dll::shared_library gzip(LADING_GZIP_PLUGIN);
        auto& entry = gzip.get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
        lading_compressor_v1 t = *reinterpret_cast<const lading_compressor_v1*>(entry());
        t.header.struct_size = offsetof(lading_compressor_v1, flags);
        t.header.name = "first-table-gzip";
        t.header.version = "0.1.0";
        t.flags = LADING_COMPRESSOR_OWN_DIFF_ID;
        return t;
    }();
    return first;
}

const lading_plugin_header* entry() noexcept { return &table().header; }

}  // namespace lading_first_compressor_table

BOOST_DLL_ALIAS(lading_first_compressor_table::entry, lading_plugin_entry_v1)
