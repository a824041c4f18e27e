#include "attestation_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "common/json_file.hpp"
#include "common/sha256.hpp"

namespace lading::test {

namespace {

constexpr const char* empty_descriptor_digest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

bool is_attestation_entry(const boost::json::value& e)
{
    const auto* a = e.as_object().if_contains("annotations");
    return a && a->is_object() && json_string(*a, "vnd.docker.reference.type") == "attestation-manifest";
}

std::int64_t size_of(const boost::json::value& descriptor) { return descriptor.at("size").to_number<std::int64_t>(); }

}  // namespace

std::filesystem::path write_spdx_statement(const std::filesystem::path& file, const std::string& package_name)
{
    boost::json::object statement{
        {"_type", "https://in-toto.io/Statement/v1"},
        {"predicateType", spdx_predicate_type},
        {"subject", boost::json::array{boost::json::object{{"name", "stale"}, {"digest", {{"sha256", std::string(64, '0')}}}}}},
        {"predicate",
         {{"spdxVersion", "SPDX-2.3"},
          {"SPDXID", "SPDXRef-DOCUMENT"},
          {"name", "test-sbom"},
          {"packages", boost::json::array{boost::json::object{{"name", package_name}, {"versionInfo", "1.3"}}}}}},
    };
    std::ofstream(file, std::ios::binary) << boost::json::serialize(statement);
    return file;
}

std::vector<boost::json::object> attestation_entries(const boost::json::value& index)
{
    std::vector<boost::json::object> out;
    for (const auto& e : index.at("manifests").as_array())
        if (is_attestation_entry(e)) out.push_back(e.as_object());
    return out;
}

std::vector<boost::json::object> platform_entries(const boost::json::value& index)
{
    std::vector<boost::json::object> out;
    for (const auto& e : index.at("manifests").as_array())
        if (!is_attestation_entry(e)) out.push_back(e.as_object());
    return out;
}

std::map<std::string, std::string> provenance_materials(const boost::json::object& statement)
{
    std::map<std::string, std::string> out;
    for (const auto& m : statement.at("predicate").at("materials").as_array())
        out[json_string(m, "uri")] = json_string(m.at("digest"), "sha256");
    return out;
}

std::vector<boost::json::object> check_attestation_manifest(const boost::json::object& entry,
                                                            const blob_reader& read_blob,
                                                            const expected_attestation& expected)
{
    const auto target_digest = json_string(expected.platform_entry, "digest");
    INFO("attestation entry: " << boost::json::serialize(entry));

    // The index entry: an OCI manifest for unknown/unknown that points at its platform manifest.
    CHECK(json_string(entry, "mediaType") == oci_manifest_media_type);
    CHECK(entry.at("platform") == boost::json::object{{"architecture", "unknown"}, {"os", "unknown"}});
    CHECK(entry.at("annotations") == boost::json::object{{"vnd.docker.reference.type", "attestation-manifest"},
                                                         {"vnd.docker.reference.digest", target_digest}});
    CHECK_FALSE(entry.contains("artifactType"));

    const auto manifest_bytes = read_blob(json_string(entry, "digest"));
    CHECK(static_cast<std::int64_t>(manifest_bytes.size()) == size_of(entry));
    const auto manifest = parse_json(manifest_bytes, "attestation manifest");
    INFO("attestation manifest: " << manifest_bytes);
    CHECK(manifest.at("schemaVersion") == 2);
    CHECK(json_string(manifest, "mediaType") == oci_manifest_media_type);

    const auto& config = manifest.at("config");
    const auto& layers = manifest.at("layers").as_array();
    if (expected.oci_artifact) {
        CHECK(json_string(manifest, "artifactType") == "application/vnd.docker.attestation.manifest.v1+json");
        CHECK(config == boost::json::object{{"mediaType", "application/vnd.oci.empty.v1+json"},
                                            {"digest", empty_descriptor_digest},
                                            {"size", 2},
                                            {"data", "e30="}});
        CHECK(read_blob(empty_descriptor_digest) == "{}");
        CHECK(manifest.at("subject") == boost::json::object{{"mediaType", json_string(expected.platform_entry, "mediaType")},
                                                            {"digest", target_digest},
                                                            {"size", size_of(expected.platform_entry)}});
    } else {
        CHECK_FALSE(manifest.as_object().contains("artifactType"));
        CHECK_FALSE(manifest.as_object().contains("subject"));
        CHECK(json_string(config, "mediaType") == oci_config_media_type);
        const auto config_bytes = read_blob(json_string(config, "digest"));
        CHECK(static_cast<std::int64_t>(config_bytes.size()) == size_of(config));
        const auto image_config = parse_json(config_bytes, "attestation config");
        CHECK(json_string(image_config, "architecture") == "unknown");
        CHECK(json_string(image_config, "os") == "unknown");
        CHECK(json_string(image_config.at("rootfs"), "type") == "layers");
        boost::json::array layer_digests;
        for (const auto& l : layers) layer_digests.emplace_back(json_string(l, "digest"));
        CHECK(image_config.at("rootfs").at("diff_ids") == boost::json::value(layer_digests));
    }

    REQUIRE(layers.size() == expected.predicate_types.size());
    std::vector<boost::json::object> statements;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        INFO("layer " << i << ": " << boost::json::serialize(layers[i]));
        CHECK(json_string(layers[i], "mediaType") == in_toto_media_type);
        CHECK(layers[i].at("annotations") ==
              boost::json::object{{"in-toto.io/predicate-type", expected.predicate_types[i]}});
        const auto bytes = read_blob(json_string(layers[i], "digest"));
        CHECK(static_cast<std::int64_t>(bytes.size()) == size_of(layers[i]));
        auto statement = parse_json(bytes, "statement").as_object();
        INFO("statement: " << bytes.substr(0, 2000));
        const auto type = json_string(statement, "_type");
        CHECK((type == "https://in-toto.io/Statement/v1" || type == "https://in-toto.io/Statement/v0.1"));
        CHECK(json_string(statement, "predicateType") == expected.predicate_types[i]);
        CHECK(statement.at("predicate").is_object());
        std::set<std::string> names;
        for (const auto& s : statement.at("subject").as_array()) {
            names.insert(json_string(s, "name"));
            CHECK(s.at("digest") == boost::json::object{{"sha256", target_digest.substr(7)}});
        }
        CHECK(names == std::set<std::string>(expected.subject_names.begin(), expected.subject_names.end()));
        CHECK(statement.at("subject").as_array().size() == expected.subject_names.size());
        statements.push_back(std::move(statement));
    }
    return statements;
}

}  // namespace lading::test
