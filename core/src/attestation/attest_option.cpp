#include <lading/attestation/attest_option.hpp>
#include "export/csv_record.hpp"
#include <lading/error.hpp>

namespace lading::attestation {

namespace {

[[noreturn]] void fail(std::string_view text, const std::string& why)
{
    throw usage_error("invalid --attest \"" + std::string(text) + "\": " + why);
}

std::string lower_trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

std::string_view kind_name(attestation_kind kind)
{
    return kind == attestation_kind::sbom ? "sbom" : "provenance";
}

attest_option parse_attest_option(std::string_view text)
{
    std::optional<std::string> type, path, mode, builder_id;
    for (const auto& field : parse_csv_record(text)) {
        auto eq = field.find('=');
        if (eq == std::string::npos) fail(text, "\"" + field + "\" is not key=value");
        auto key = lower_trimmed(std::string_view(field).substr(0, eq));
        auto value = field.substr(eq + 1);
        if (key == "type") type = value;
        else if (key == "path") path = value;
        else if (key == "mode") mode = value;
        else if (key == "builder-id") builder_id = value;
        else fail(text, "unknown key \"" + key + "\"; --attest takes type, path, and for provenance mode and builder-id");
    }
    if (!type) fail(text, "type is required (type=sbom or type=provenance)");

    attest_option option;
    if (*type == "sbom") option.kind = attestation_kind::sbom;
    else if (*type == "provenance") option.kind = attestation_kind::provenance;
    else fail(text, "unknown type \"" + *type + "\"; use type=sbom or type=provenance");

    if (path) {
        if (path->empty()) fail(text, "path is empty; give the in-toto statement file, path=FILE");
        option.path = *path;
    }
    if (option.kind == attestation_kind::sbom) {
        if (!path) fail(text, "type=sbom needs path=FILE (an in-toto statement with an SPDX or CycloneDX predicate); lading does not scan images");
        if (mode || builder_id) fail(text, "mode and builder-id apply to type=provenance only");
    } else if (path && (mode || builder_id)) {
        fail(text, "mode and builder-id apply to the provenance lading writes, not to path=FILE");
    }
    if (mode && *mode != "min") fail(text, "mode=" + *mode + " is not available; lading writes mode=min provenance");
    if (builder_id) {
        if (builder_id->empty()) fail(text, "builder-id is empty; give a URI that names the builder");
        option.builder_id = *builder_id;
    }
    return option;
}

}  // namespace lading::attestation
