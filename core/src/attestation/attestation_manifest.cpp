#include "attestation/attestation_manifest.hpp"
#include <lading/oci/manifest.hpp>

namespace lading::attestation {

namespace {

// OCI's empty descriptor: the two bytes "{}", also inlined as data (base64 "e30=").
json_blob empty_config()
{
    return make_json_blob(std::string(media_types::oci_empty), boost::json::object{});
}

json_blob image_shaped_config(const std::vector<json_blob>& statements, const std::string& media_type)
{
    boost::json::array diff_ids;
    for (const auto& s : statements) diff_ids.emplace_back(s.descriptor.digest.str());
    boost::json::object config{
        {"architecture", "unknown"},
        {"os", "unknown"},
        {"config", boost::json::object{}},
        {"rootfs", boost::json::object{{"type", "layers"}, {"diff_ids", std::move(diff_ids)}}},
    };
    return make_json_blob(media_type, config);
}

}  // namespace

attestation_manifest build_attestation_manifest(const std::vector<json_blob>& statements, const descriptor& subject,
                                                const attestation_manifest_format& format)
{
    attestation_manifest out;
    auto config = format.oci_artifact ? empty_config() : image_shaped_config(statements, format.config_media_type);
    std::vector<descriptor> layers;
    for (const auto& s : statements) layers.push_back(s.descriptor);

    auto document = build_manifest(format.manifest_media_type, config.descriptor, layers, {});
    if (format.oci_artifact) {
        document["artifactType"] = attestation_artifact_type;
        document["config"].as_object()["data"] = "e30=";
        descriptor target{subject.media_type, subject.digest, subject.size, {}, std::nullopt, {}};
        document["subject"] = target.to_json();
    }
    out.manifest = make_json_blob(format.manifest_media_type, document);

    out.blobs.push_back(std::move(config));
    out.blobs.insert(out.blobs.end(), statements.begin(), statements.end());

    out.index_entry = out.manifest.descriptor;
    out.index_entry.platform = platform{"unknown", "unknown", ""};
    out.index_entry.annotations[std::string(reference_type_annotation)] = std::string(attestation_reference_type);
    out.index_entry.annotations[std::string(reference_digest_annotation)] = subject.digest.str();
    return out;
}

}  // namespace lading::attestation
