#include "attestation/statement.hpp"
#include <lading/error.hpp>

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include "common/temp_dir.hpp"

#include <filesystem>
#include <fstream>

#include <stdlib.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lading::attestation;
using Catch::Contains;

namespace {

constexpr const char* spdx_statement = R"({
  "_type": "https://in-toto.io/Statement/v0.1",
  "predicateType": "https://spdx.dev/Document",
  "subject": [{"name": "old", "digest": {"sha256": "00"}}],
  "predicate": {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [{"name": "zlib"}]}
})";

struct temp_files {
    lading::test::temp_dir dir;
    fs::path root = dir.path();
    fs::path write(const std::string& name, const std::string& content)
    {
        std::ofstream(root / name, std::ios::binary) << content;
        return root / name;
    }
};

std::string with(const std::string& type, const std::string& predicate_type, const std::string& predicate = "{}")
{
    return R"({"_type":")" + type + R"(","predicateType":")" + predicate_type + R"(","predicate":)" + predicate + "}";
}

}  // namespace

TEST_CASE("statements of both in-toto versions with SBOM predicates are accepted", "[attest]")
{
    auto s = parse_statement(spdx_statement, attestation_kind::sbom, "f");
    CHECK(s.type == "https://in-toto.io/Statement/v0.1");
    CHECK(s.predicate_type == "https://spdx.dev/Document");
    CHECK(s.predicate.at("spdxVersion") == "SPDX-2.3");

    for (auto type : {"https://spdx.dev/Document", "https://spdx.dev/Document/v2.3", "https://cyclonedx.org/bom",
                      "https://cyclonedx.org/bom/v1.5"})
        CHECK(parse_statement(with("https://in-toto.io/Statement/v1", type), attestation_kind::sbom, "f").predicate_type == type);
    CHECK(parse_statement(with("https://in-toto.io/Statement/v1", "https://slsa.dev/provenance/v1"),
                          attestation_kind::provenance, "f")
              .predicate_type == "https://slsa.dev/provenance/v1");
}

TEST_CASE("statement faults are one line that names the file", "[attest]")
{
    const std::string v1 = "https://in-toto.io/Statement/v1";
    auto fails = [](const std::string& text, attestation_kind kind = attestation_kind::sbom) {
        try {
            parse_statement(text, kind, "attestation file bad.json");
        } catch (const lading::error& e) {
            std::string m = e.what();
            CHECK(m.find('\n') == std::string::npos);
            CHECK(m.starts_with("attestation file bad.json "));
            return m;
        }
        FAIL("accepted: " << text);
        return std::string();
    };
    CHECK_THAT(fails("{\"_type\": "), Contains("is not JSON"));
    CHECK_THAT(fails("{} trailing"), Contains("is not JSON"));
    CHECK_THAT(fails("not json at all"), Contains("at byte "));
    CHECK_THAT(fails("[1, 2]"), Contains("is not a JSON object"));
    CHECK_THAT(fails(R"({"predicateType":"https://spdx.dev/Document","predicate":{}})"), Contains("no \"_type\""));
    CHECK_THAT(fails(with("https://in-toto.io/Statement/v2", "https://spdx.dev/Document")),
               Contains("_type \"https://in-toto.io/Statement/v2\""));
    CHECK_THAT(fails(R"({"_type":"https://in-toto.io/Statement/v1","predicate":{}})"), Contains("no \"predicateType\""));
    CHECK_THAT(fails(with(v1, "")), Contains("no \"predicateType\""));
    CHECK_THAT(fails(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"https://spdx.dev/Document"})"),
               Contains("no \"predicate\" object"));
    CHECK_THAT(fails(with(v1, "https://spdx.dev/Document", "[1]")), Contains("no \"predicate\" object"));
    CHECK_THAT(fails(with(v1, "https://spdx.dev/Documents")), Contains("is not an SBOM"));
    CHECK_THAT(fails(with(v1, "https://slsa.dev/provenance/v0.2")), Contains("type=sbom"));
    CHECK_THAT(fails(with(v1, "https://spdx.dev/Document"), attestation_kind::provenance), Contains("is not SLSA provenance"));
}

TEST_CASE("deeply nested predicates parse", "[attest]")
{
    std::string deep = std::string(200, '[') + std::string(200, ']');
    auto s = parse_statement(with("https://in-toto.io/Statement/v1", "https://cyclonedx.org/bom", "{\"a\":" + deep + "}"),
                             attestation_kind::sbom, "f");
    CHECK(s.predicate.contains("a"));
}

TEST_CASE("statement files: missing, directory, oversized, unreadable", "[attest]")
{
    temp_files t;
    auto good = t.write("sbom.json", spdx_statement);
    CHECK(read_statement_file(good, attestation_kind::sbom).predicate_type == "https://spdx.dev/Document");

    CHECK_THROWS_WITH(read_statement_file(t.root / "missing.json", attestation_kind::sbom),
                      Contains("attestation file " + (t.root / "missing.json").string() + " does not exist"));
    CHECK_THROWS_WITH(read_statement_file(t.root, attestation_kind::sbom), Contains("is not a regular file"));

    // A sparse file just over the limit is refused by its size, without reading it.
    auto big = t.root / "big.json";
    std::ofstream(big).put('{');
    fs::resize_file(big, max_statement_file_size + 1);
    CHECK_THROWS_WITH(read_statement_file(big, attestation_kind::sbom),
                      Contains(std::to_string(max_statement_file_size + 1) + " bytes") && Contains("40 MiB"));
    // Exactly at the limit the size is fine and the content is what fails.
    fs::resize_file(big, max_statement_file_size);
    CHECK_THROWS_WITH(read_statement_file(big, attestation_kind::sbom), Contains("is not JSON"));

    // A path through a regular file cannot be opened at all.
    CHECK_THROWS_WITH(read_statement_file(good / "inner.json", attestation_kind::sbom),
                      Contains("cannot read attestation file " + (good / "inner.json").string()));
    if (::geteuid() != 0) {
        auto locked = t.write("locked.json", spdx_statement);
        fs::permissions(locked, fs::perms::none);
        CHECK_THROWS_WITH(read_statement_file(locked, attestation_kind::sbom), Contains("cannot read attestation file"));
    }
}

TEST_CASE("rendering replaces the subjects and annotates the predicate type", "[attest]")
{
    auto s = parse_statement(spdx_statement, attestation_kind::sbom, "f");
    auto d = lading::digest::of("manifest");
    auto blob = render_statement(s, {{"pkg:docker/app@1?platform=linux%2Famd64", d}});
    CHECK(blob.descriptor.media_type == "application/vnd.in-toto+json");
    CHECK(blob.descriptor.annotations.at("in-toto.io/predicate-type") == "https://spdx.dev/Document");
    CHECK(blob.descriptor.digest == lading::digest::of(blob.bytes));
    CHECK(blob.descriptor.size == blob.bytes.size());

    auto doc = boost::json::parse(blob.bytes).as_object();
    CHECK(doc.at("_type") == "https://in-toto.io/Statement/v0.1");
    CHECK(doc.at("predicateType") == "https://spdx.dev/Document");
    const auto& subjects = doc.at("subject").as_array();
    REQUIRE(subjects.size() == 1);
    CHECK(subjects[0].at("name") == "pkg:docker/app@1?platform=linux%2Famd64");
    CHECK(subjects[0].at("digest").at("sha256").as_string() == d.hex());
    CHECK(doc.at("predicate").at("packages").at(0).at("name") == "zlib");
    // Canonical JSON: the same statement and subjects always give the same bytes.
    CHECK(render_statement(s, {{"pkg:docker/app@1?platform=linux%2Famd64", d}}).bytes == blob.bytes);
    CHECK(blob.bytes.starts_with(R"({"_type":"https://in-toto.io/Statement/v0.1","predicate":{"SPDXID")"));
}
