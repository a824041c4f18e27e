// force-compression converts base layers; this remembers each conversion in the store (as
// one of its records) so that a later export finds the converted blob instead of redoing it.
#pragma once

#include <lading/oci/descriptor.hpp>

#include <optional>
#include <string>

namespace lading::plugin {
class store;
}

namespace lading::layer {

struct converted_layer {
    digest blob;
    std::uint64_t size = 0;
    digest diff_id;  // differs from the source's when the compressor rewrites the tar (estargz)
    std::string media_suffix;
    annotation_map annotations;
};

// The key prefix of conversion records ("conversions/sha256/<source hex>/<compression>/<level>").
inline constexpr const char* conversion_record_prefix = "conversions/";

// A conversion record as written; nullopt when `text` is not one.
std::optional<converted_layer> parse_conversion_record(const std::string& text);

// The conversion of `source` into `compression` at `level` (the level it was compressed at,
// the compressor's default when none was asked for) recorded in this store, if the record is
// there and its blob is still in the store with the recorded size.
std::optional<converted_layer> find_conversion(plugin::store& store, const digest& source,
                                               const std::string& compression, int level);

// Records a conversion whose blob is already committed to the store. A store whose plugin
// keeps no records remembers nothing; a record that cannot be written only costs a later
// conversion.
void remember_conversion(plugin::store& store, const digest& source, const std::string& compression, int level,
                         const converted_layer& converted);

}  // namespace lading::layer
