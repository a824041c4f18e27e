#include "attestation/provenance.hpp"
#include "attestation/subject.hpp"
#include <lading/oci/image_config.hpp>
#include <lading/version.hpp>

#include "registry/percent_encode.hpp"

namespace lading::attestation {

namespace {

std::string text_of(bool b) { return b ? "true" : "false"; }

boost::json::array string_array(const std::vector<std::string>& items)
{
    boost::json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return a;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
    return out;
}

// The output's effective parameters, keyed as on the --output line.
boost::json::object output_attributes(const output_spec& output)
{
    boost::json::object o;
    o["type"] = "image";
    if (!output.names.empty()) o["name"] = joined(output.names);
    o["push"] = text_of(output.push);
    o["push-by-digest"] = text_of(output.push_by_digest);
    o["registry.insecure"] = text_of(output.registry_insecure);
    if (!output.dangling_name_prefix.empty()) o["dangling-name-prefix"] = output.dangling_name_prefix;
    o["danging-name-empty-only"] = text_of(output.dangling_name_empty_only);
    o["name-canonical"] = text_of(output.name_canonical);
    o["compression"] = output.compression;
    if (output.compression_level) o["compression-level"] = std::to_string(*output.compression_level);
    o["force-compression"] = text_of(output.force_compression);
    o["oci-mediatypes"] = text_of(output.oci_mediatypes);
    o["oci-artifact"] = text_of(output.artifact());
    o["rewrite-timestamp"] = text_of(output.rewrite_timestamp);
    o["unpack"] = text_of(output.unpack);
    o["store"] = output.store ? output.store_backend : "false";
    if (output.source_date_epoch) o["source-date-epoch"] = std::to_string(*output.source_date_epoch);
    for (const auto& [key, value] : output.annotations) o[key] = value;
    return o;
}

boost::json::object image_attributes(const image_settings& settings)
{
    boost::json::object o;
    if (settings.entrypoint) o["entrypoint"] = string_array(*settings.entrypoint);
    if (settings.cmd) o["cmd"] = string_array(*settings.cmd);
    if (!settings.env.empty()) o["env"] = string_array(settings.env);
    if (settings.workdir) o["workdir"] = *settings.workdir;
    if (settings.user) o["user"] = *settings.user;
    if (!settings.labels.empty()) {
        boost::json::object labels;
        for (const auto& [k, v] : settings.labels) labels[k] = v;
        o["labels"] = std::move(labels);
    }
    return o;
}

}  // namespace

std::string default_builder_id() { return "pkg:generic/lading@" + std::string(version()); }

statement make_provenance(const provenance_facts& facts)
{
    boost::json::array materials;
    for (const auto& m : facts.materials)
        materials.push_back(boost::json::object{{"uri", m.uri}, {"digest", boost::json::object{{"sha256", m.digest.hex()}}}});
    boost::json::object metadata{
        {"buildStartedOn", rfc3339_utc(facts.started_on)},
        {"buildFinishedOn", rfc3339_utc(facts.finished_on)},
        // Every parameter and every input is listed; the host environment is not described.
        {"completeness", boost::json::object{{"parameters", true}, {"environment", false}, {"materials", true}}},
        {"reproducible", facts.reproducible},
    };
    statement s;
    s.type = std::string(statement_type_v01);
    s.predicate_type = std::string(slsa_provenance_v02);
    s.predicate = boost::json::object{
        {"builder", boost::json::object{{"id", facts.builder_id.empty() ? default_builder_id() : facts.builder_id}}},
        {"buildType", export_build_type},
        {"invocation", boost::json::object{{"parameters", facts.parameters}}},
        {"materials", std::move(materials)},
        {"metadata", std::move(metadata)},
    };
    return s;
}

material base_image_material(const std::string& reference, const digest& manifest, const platform& p)
{
    if (reference.starts_with("oci-layout://")) return {reference, manifest};
    return {image_purl(reference, p), manifest};
}

material layer_material(const std::filesystem::path& path, const digest& diff_id)
{
    return {"file:" + percent_encode(path.string(), "/"), diff_id};
}

boost::json::object export_parameters(const export_request& request, const output_spec& output, const platform& p)
{
    boost::json::object o;
    o["platform"] = p.str();
    o["from"] = request.from.empty() ? std::string("scratch") : request.from;
    auto epoch = output.source_date_epoch ? output.source_date_epoch : request.source_date_epoch;
    if (epoch) o["source-date-epoch"] = std::to_string(*epoch);
    o["image"] = image_attributes(request.settings);
    o["output"] = output_attributes(output);
    return o;
}

}  // namespace lading::attestation
