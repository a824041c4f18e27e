// SLSA provenance v0.2 describing one export, in the shape of BuildKit's mode=min: who built
// the image (lading and its version), how (the output's parameters and the image settings,
// never credentials), from what (the base image and each layer input with its digest) and
// when. With SOURCE_DATE_EPOCH both times are the epoch, so the same inputs give the same bytes.
#pragma once

#include "attestation/statement.hpp"
#include <lading/export/export_request.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lading::attestation {

inline constexpr std::string_view slsa_provenance_v02 = "https://slsa.dev/provenance/v0.2";
// lading has no web address of its own, so its recipe is named by a package URL.
inline constexpr std::string_view export_build_type = "pkg:generic/lading/export@v1";

struct material {
    std::string uri;
    lading::digest digest;
};

struct provenance_facts {
    std::string builder_id;  // empty: default_builder_id()
    boost::json::object parameters;
    std::vector<material> materials;
    std::int64_t started_on = 0, finished_on = 0;  // seconds since the epoch
    bool reproducible = false;
};

// "pkg:generic/lading@VERSION".
std::string default_builder_id();

statement make_provenance(const provenance_facts& facts);

// A registry base as a docker package URL for the platform; an oci-layout:// base as given.
material base_image_material(const std::string& reference, const digest& manifest, const platform& p);
// A --layer input as a file: URI (the path as given) with its diffID, the digest of its tar stream.
material layer_material(const std::filesystem::path& path, const digest& diff_id);
// The parameters of one platform's image of one output, as exporter attributes.
boost::json::object export_parameters(const export_request& request, const output_spec& output, const platform& p);

}  // namespace lading::attestation
