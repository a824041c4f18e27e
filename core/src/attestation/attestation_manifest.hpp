// The manifest that carries one platform manifest's statements, and its entry in the index:
// platform unknown/unknown (so runtimes never pick it) with vnd.docker.reference.* annotations
// pointing at the platform manifest. Two forms, chosen by oci-artifact:
//  - true: an OCI artifact (artifactType, the empty config, subject = the platform manifest);
//  - false: image-shaped, with an image config for unknown/unknown whose diff_ids are the
//    statements' digests, and no subject.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/oci/media_types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lading::attestation {

inline constexpr std::string_view attestation_artifact_type = "application/vnd.docker.attestation.manifest.v1+json";
inline constexpr std::string_view reference_type_annotation = "vnd.docker.reference.type";
inline constexpr std::string_view reference_digest_annotation = "vnd.docker.reference.digest";
inline constexpr std::string_view attestation_reference_type = "attestation-manifest";

struct attestation_manifest_format {
    std::string manifest_media_type;
    std::string config_media_type;  // the image config type, for the image-shaped form
    bool oci_artifact = false;
};

struct attestation_manifest {
    std::vector<json_blob> blobs;  // the config and the statements, in that order
    json_blob manifest;
    descriptor index_entry;
};

// `statements` are rendered in-toto statements (render_statement); `subject` is the platform
// manifest's descriptor (its platform and annotations are not carried over).
attestation_manifest build_attestation_manifest(const std::vector<json_blob>& statements, const descriptor& subject,
                                                const attestation_manifest_format& format);

}  // namespace lading::attestation
