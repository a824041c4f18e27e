// Exporting a plugin's table under the one entry symbol lading looks for.
#pragma once

#include <lading/plugin/abi.h>

#include <boost/dll/alias.hpp>

// Defines the plugin's entry point returning `table` (a static kind-specific table whose
// first member is a lading_plugin_header) and exports it as LADING_PLUGIN_ENTRY_SYMBOL.
#define LADING_EXPORT_PLUGIN(table)                                                              \
    namespace lading_plugin_entry_ns {                                                           \
    static const lading_plugin_header* entry() noexcept { return &(table).header; }             \
    }                                                                                            \
    BOOST_DLL_ALIAS(lading_plugin_entry_ns::entry, lading_plugin_entry_v1)

namespace lading::sdk {

template <class Table>
constexpr lading_plugin_header make_header(lading_plugin_kind kind, const char* name, const char* version)
{
    return lading_plugin_header{LADING_PLUGIN_ABI_VERSION, static_cast<uint32_t>(sizeof(Table)),
                                static_cast<uint32_t>(kind), name, version};
}

}  // namespace lading::sdk
