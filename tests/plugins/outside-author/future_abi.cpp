// A plugin built for an ABI lading does not have: the host must refuse it by name.
#include <lading/sdk/export.hpp>

namespace {
const lading_compressor_v1 table{
    lading_plugin_header{LADING_PLUGIN_ABI_VERSION + 98, sizeof(lading_compressor_v1), LADING_KIND_COMPRESSOR,
                         "future", "9.9.9"},
    "", 0, 0, 0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, 0,
};
}  // namespace

LADING_EXPORT_PLUGIN(table)
