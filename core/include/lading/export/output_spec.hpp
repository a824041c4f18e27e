// The parameters of one --output, with BuildKit's image/registry exporter semantics.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading {

struct output_spec {
    std::vector<std::string> names;
    bool push = false;
    bool push_by_digest = false;
    bool registry_insecure = false;
    std::string dangling_name_prefix;
    bool dangling_name_empty_only = false;
    bool name_canonical = false;
    std::string compression = "gzip";
    std::optional<int> compression_level;
    bool force_compression = false;
    // OCI image-spec media types by default, as BuildKit since 0.31; false gives Docker schema2.
    bool oci_mediatypes = true;
    // Whether oci-mediatypes was given (only an explicit false turns OCI media types off).
    bool oci_mediatypes_explicit = false;
    // As given; unset means "artifact-shaped attestations whenever OCI media types are on".
    std::optional<bool> oci_artifact;
    bool rewrite_timestamp = false;
    bool unpack = false;
    bool store = true;
    std::string store_backend = "oci-layout";  // store=<backend> picks another store plugin
    std::optional<std::int64_t> source_date_epoch;
    // Every annotation*.* key exactly as given (lower-cased like buildx), with its value.
    std::map<std::string, std::string> annotations;

    std::string media_type_family() const { return oci_mediatypes ? "oci" : "docker"; }
    // oci-artifact as it applies: the value given, else on with OCI media types (BuildKit 0.32).
    bool artifact() const { return oci_artifact.value_or(oci_mediatypes); }
};

// Parses one --output value. Throws usage_error naming the key and the allowed values.
// Checks that need plugins (compression names and level ranges) happen in validate_output.
output_spec parse_output_spec(std::string_view text);

// The last second an image's `created` can name: RFC 3339 has four digits of year, and Go's
// time package (skopeo, containerd, BuildKit) refuses a later time. 9999-12-31T23:59:59Z.
inline constexpr std::int64_t latest_source_date_epoch = 253402300799;
constexpr bool is_source_date_epoch(std::int64_t seconds) { return seconds >= 0 && seconds <= latest_source_date_epoch; }

// A SOURCE_DATE_EPOCH text: whole seconds since 1970, from 0 to latest_source_date_epoch.
// Throws usage_error naming `what` (e.g. "SOURCE_DATE_EPOCH").
std::int64_t parse_source_date_epoch(std::string_view text, const std::string& what);

// The valid key closest to `key`, for "did you mean" hints; empty when nothing is close.
std::string closest_output_key(std::string_view key);

}  // namespace lading
