#include "export/csv_record.hpp"
#include "text/closest_name.hpp"
#include <lading/error.hpp>
#include <lading/export/output_spec.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace lading {

namespace {

constexpr std::array known_keys = {
    "type",          "name",          "push",           "push-by-digest",       "registry.insecure",
    "dangling-name-prefix", "danging-name-empty-only", "name-canonical", "compression",
    "compression-level", "force-compression", "oci-mediatypes", "oci-artifact", "rewrite-timestamp",
    "unpack",        "store",         "source-date-epoch",
};

[[noreturn]] void fail(const std::string& message) { throw usage_error("invalid --output: " + message); }

std::optional<bool> parse_bool_text(std::string_view v)
{
    for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
        if (v == t) return true;
    for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
        if (v == f) return false;
    return std::nullopt;
}

// BuildKit treats an empty value as true for some keys and as an error for others.
bool parse_bool(std::string_view key, std::string_view value, bool empty_means_true)
{
    if (value.empty() && empty_means_true) return true;
    if (auto b = parse_bool_text(value)) return *b;
    fail(std::string(key) + "=" + std::string(value) + ": expected true or false");
}

std::int64_t parse_int(std::string_view key, std::string_view value)
{
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size())
        fail(std::string(key) + "=" + std::string(value) + ": expected an integer");
    return n;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> split_names(std::string_view value)
{
    std::vector<std::string> names;
    if (value.empty()) return names;
    std::size_t start = 0;
    for (;;) {
        auto comma = value.find(',', start);
        auto name = trim(value.substr(start, comma == std::string_view::npos ? comma : comma - start));
        if (name.empty()) fail("name=" + std::string(value) + ": empty name in the list");
        names.push_back(std::move(name));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return names;
}

bool is_annotation_key(std::string_view key) { return key.starts_with("annotation"); }

}  // namespace

std::int64_t parse_source_date_epoch(std::string_view text, const std::string& what)
{
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !is_source_date_epoch(v))
        throw usage_error("invalid " + what + " \"" + std::string(text) + "\": expected seconds since 1970, a whole number from 0 to " +
                          std::to_string(latest_source_date_epoch) + " (the end of year 9999)");
    return v;
}

std::string closest_output_key(std::string_view key)
{
    return text::closest_name(key, {known_keys.begin(), known_keys.end()});
}

output_spec parse_output_spec(std::string_view text)
{
    output_spec spec;
    std::optional<std::string> type;
    std::optional<bool> unpack;
    const auto fields = parse_csv_record(text);
    // The type first: another exporter's keys (type=local,dest=out) are not typos of ours.
    for (const auto& field : fields)
        if (auto eq = field.find('='); eq != std::string::npos && lower(trim(std::string_view(field).substr(0, eq))) == "type")
            if (auto value = field.substr(eq + 1); value != "image" && value != "registry")
                fail("unsupported type \"" + value + "\": lading exports type=image and type=registry");
    for (const auto& field : fields) {
        auto eq = field.find('=');
        if (eq == std::string::npos) fail("\"" + field + "\" is not key=value");
        std::string key = lower(trim(std::string_view(field).substr(0, eq)));
        std::string value = field.substr(eq + 1);

        if (key == "type") type = value;
        else if (key == "name") spec.names = split_names(value);
        else if (key == "push") spec.push = parse_bool(key, value, true);
        else if (key == "push-by-digest") spec.push_by_digest = parse_bool(key, value, true);
        else if (key == "registry.insecure") spec.registry_insecure = parse_bool(key, value, true);
        else if (key == "dangling-name-prefix") spec.dangling_name_prefix = value;
        else if (key == "danging-name-empty-only") spec.dangling_name_empty_only = parse_bool(key, value, true);
        else if (key == "name-canonical") spec.name_canonical = parse_bool(key, value, true);
        else if (key == "compression") spec.compression = value;
        else if (key == "compression-level") {
            auto level = parse_int(key, value);
            if (level < -1000 || level > 1000) fail("compression-level=" + value + " is out of range");
            spec.compression_level = static_cast<int>(level);
        } else if (key == "force-compression") spec.force_compression = parse_bool(key, value, true);
        else if (key == "oci-mediatypes") {
            spec.oci_mediatypes = parse_bool(key, value, false);
            spec.oci_mediatypes_explicit = true;
        } else if (key == "oci-artifact") spec.oci_artifact = parse_bool(key, value, false);
        else if (key == "rewrite-timestamp") spec.rewrite_timestamp = parse_bool(key, value, false);
        else if (key == "unpack") unpack = parse_bool(key, value, true);
        else if (key == "store") {
            if (auto b = value.empty() ? std::optional<bool>(true) : parse_bool_text(value)) {
                spec.store = *b;
            } else {
                spec.store = true;
                spec.store_backend = value;
            }
        } else if (key == "source-date-epoch") {
            if (!value.empty()) spec.source_date_epoch = parse_source_date_epoch(value, "--output source-date-epoch");
        } else if (is_annotation_key(key)) spec.annotations[key] = value;
        else {
            auto hint = closest_output_key(key);
            fail("unknown key \"" + key + "\"" + (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
        }
    }

    if (!type) fail("type is required (type=image or type=registry)");
    if (*type == "registry") spec.push = true;
    spec.unpack = unpack.value_or(false);

    if (spec.compression.empty()) fail("compression must not be empty (uncompressed, gzip, estargz or zstd)");
    return spec;
}

}  // namespace lading
