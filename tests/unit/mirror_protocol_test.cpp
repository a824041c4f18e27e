// The mirror's sans-I/O pieces: request routing, Range forms, tags paging, error bodies.
#include <catch2/catch.hpp>

#include "mirror/byte_range.hpp"
#include "mirror/error_body.hpp"
#include "registry/header_values.hpp"
#include "mirror/route.hpp"
#include "mirror/tag_page.hpp"
#include "mirror/variant_tags.hpp"

#include <lading/error.hpp>

#include <boost/json/parse.hpp>

using namespace lading::mirror;

namespace {

const std::string layer = "sha256:" + std::string(64, 'a');

route_result routed(const std::string& target)
{
    return parse_route(target, [](std::string_view name) { return name == "ghcr.io" || name == "127.0.0.1:5000"; });
}

}  // namespace

TEST_CASE("routes name the endpoint, the repository and the reference", "[mirror]")
{
    auto m = routed("/v2/library/alpine/manifests/3.19");
    REQUIRE(m.found);
    CHECK(m.found->kind == endpoint::manifest);
    CHECK(m.found->repository == "library/alpine");
    CHECK(m.found->reference == "3.19");
    CHECK(m.found->upstream.empty());

    auto b = routed("/v2/a/b/c/blobs/" + layer);
    REQUIRE(b.found);
    CHECK(b.found->kind == endpoint::blob);
    CHECK(b.found->repository == "a/b/c");

    auto t = routed("/v2/app/tags/list?n=2&last=v%201");
    REQUIRE(t.found);
    CHECK(t.found->kind == endpoint::tags);
    CHECK(t.found->query.at("n") == "2");
    CHECK(t.found->query.at("last") == "v 1");

    CHECK(routed("/v2/").found->kind == endpoint::base);
    CHECK(routed("/v2").found->kind == endpoint::base);
    CHECK(routed("/metrics").found->kind == endpoint::metrics);
    CHECK(routed("/v2/app/referrers/" + layer).found->kind == endpoint::referrers);
    // A repository may hold a component named like an endpoint.
    auto tricky = routed("/v2/blobs/manifests/manifests/1");
    REQUIRE(tricky.found);
    CHECK(tricky.found->repository == "blobs/manifests");
}

TEST_CASE("routes pick the upstream by ns= or by a path prefix", "[mirror]")
{
    auto ns = routed("/v2/library/alpine/manifests/1?ns=ghcr.io");
    REQUIRE(ns.found);
    CHECK(ns.found->upstream == "ghcr.io");
    CHECK(ns.found->repository == "library/alpine");

    auto prefix = routed("/v2/127.0.0.1:5000/team/app/blobs/" + layer);
    REQUIRE(prefix.found);
    CHECK(prefix.found->upstream == "127.0.0.1:5000");
    CHECK(prefix.found->repository == "team/app");

    // An unknown ns is refused (the default upstream would serve another registry's image under
    // its name); an unknown prefix is part of the name.
    CHECK(routed("/v2/app/manifests/1?ns=docker.io").problem == route_problem::upstream_unknown);
    CHECK(routed("/v2/app/blobs/" + layer + "?ns=quay.io").problem == route_problem::upstream_unknown);
    auto unknown = routed("/v2/quay.io/app/manifests/1");
    REQUIRE(unknown.found);
    CHECK(unknown.found->upstream.empty());
    CHECK(unknown.found->repository == "quay.io/app");
}

TEST_CASE("ns=docker.io selects the upstream that Docker Hub answers at", "[mirror]")
{
    for (std::string hub : {"registry-1.docker.io", "index.docker.io", "docker.io"}) {
        auto r = parse_route("/v2/library/alpine/manifests/3?ns=docker.io",
                             [&](std::string_view name) { return name == hub; });
        REQUIRE(r.found);
        CHECK(r.found->upstream == hub);
    }
}

TEST_CASE("routes refuse bad names, tags and digests", "[mirror]")
{
    CHECK(routed("/v2/App/manifests/1").problem == route_problem::name_invalid);
    CHECK(routed("/v2/a//b/manifests/1").problem == route_problem::name_invalid);
    CHECK(routed("/v2/a/../b/manifests/1").problem == route_problem::name_invalid);
    CHECK(routed("/v2/app/manifests/.hidden").problem == route_problem::reference_invalid);
    CHECK(routed("/v2/app/blobs/latest").problem == route_problem::digest_invalid);
    CHECK(routed("/v2/app/blobs/uploads/abc").problem == route_problem::not_found);
    CHECK(!routed("/other").found);
    CHECK(valid_repository("a-b/c__d/e.f"));
    CHECK_FALSE(valid_repository("a-/b"));
    CHECK(valid_tag("v1.2_rc-3"));
    CHECK_FALSE(valid_tag("-v1"));
}

TEST_CASE("Range headers in the three forms and the unsatisfiable ones", "[mirror]")
{
    auto r = parse_range("bytes=500-1499", 2000);
    CHECK(r.outcome == range_outcome::partial);
    CHECK(r.first == 500);
    CHECK(r.last == 1499);
    CHECK(r.length() == 1000);

    r = parse_range("bytes=500-", 2000);
    CHECK((r.outcome == range_outcome::partial && r.first == 500 && r.last == 1999));

    r = parse_range("bytes=-500", 2000);
    CHECK((r.outcome == range_outcome::partial && r.first == 1500 && r.last == 1999));

    r = parse_range("bytes=-5000", 2000);  // a suffix longer than the blob is all of it
    CHECK((r.outcome == range_outcome::partial && r.first == 0 && r.last == 1999));

    r = parse_range("bytes=1000-99999", 2000);  // the end is clamped
    CHECK((r.outcome == range_outcome::partial && r.last == 1999));

    CHECK(parse_range("", 2000).outcome == range_outcome::whole);
    CHECK(parse_range("bytes=0-1,5-6", 2000).outcome == range_outcome::whole);
    CHECK(parse_range("bytes=2000-", 2000).outcome == range_outcome::unsatisfiable);
    CHECK(parse_range("bytes=10-5", 2000).outcome == range_outcome::unsatisfiable);
    CHECK(parse_range("bytes=-0", 2000).outcome == range_outcome::unsatisfiable);
    CHECK(parse_range("bytes=x-5", 2000).outcome == range_outcome::unsatisfiable);
    CHECK(parse_range("items=0-5", 2000).outcome == range_outcome::unsatisfiable);
    CHECK(parse_range("bytes=0-0", 0).outcome == range_outcome::unsatisfiable);
}

TEST_CASE("tags pages follow n and last and link to the next page", "[mirror]")
{
    std::vector<std::string> tags{"c", "a", "d", "b", "e"};
    auto p = page_of_tags(tags, 2, "", "/v2/app/tags/list", std::nullopt);
    CHECK(p.tags == std::vector<std::string>{"a", "b"});
    CHECK(p.link == "</v2/app/tags/list?n=2&last=b>; rel=\"next\"");
    p = page_of_tags(tags, 2, "d", "/v2/app/tags/list", std::nullopt);
    CHECK(p.tags == std::vector<std::string>{"e"});
    CHECK(p.link.empty());
    p = page_of_tags(tags, std::nullopt, "b", "/v2/app/tags/list", std::nullopt);
    CHECK(p.tags == std::vector<std::string>{"c", "d", "e"});
    CHECK(page_of_tags(tags, 0, "", "/x", std::nullopt).tags.empty());
    // The next page comes from the upstream this one came from.
    CHECK(page_of_tags(tags, 2, "", "/v2/app/tags/list", "registry.example:5000").link ==
          "</v2/app/tags/list?ns=registry.example%3A5000&n=2&last=b>; rel=\"next\"");
}

TEST_CASE("an upstream's names that cannot be tags stay out of the list and its Link", "[mirror]")
{
    std::vector<std::string> tags{"a", "b\r\nX-Injected: 1", "-c", "", "d e", "v1.0_rc-2"};
    auto p = page_of_tags(tags, 1, "", "/v2/app/tags/list", std::nullopt);
    CHECK(p.tags == std::vector<std::string>{"a"});
    CHECK(p.link == "</v2/app/tags/list?n=1&last=a>; rel=\"next\"");
    CHECK(page_of_tags(tags, std::nullopt, "", "/x", std::nullopt).tags == std::vector<std::string>{"a", "v1.0_rc-2"});
}

TEST_CASE("media types and header values the mirror passes on", "[mirror]")
{
    CHECK(lading::registry::is_media_type("application/vnd.oci.image.manifest.v1+json"));
    CHECK(lading::registry::is_media_type("application/vnd.docker.distribution.manifest.v2+json"));
    CHECK_FALSE(lading::registry::is_media_type("a/b\r\nX-Injected: 1"));
    CHECK_FALSE(lading::registry::is_media_type("application/json; charset=utf-8"));
    CHECK_FALSE(lading::registry::is_media_type("application"));
    CHECK_FALSE(lading::registry::is_media_type("/json"));
    CHECK_FALSE(lading::registry::is_media_type("application/" + std::string(128, 'x')));
    CHECK(lading::registry::is_safe_header_value("</v2/app/tags/list?n=1&last=a>; rel=\"next\""));
    CHECK(lading::registry::is_safe_header_value("a\tb"));
    for (const std::string& bad : std::vector<std::string>{"a\rb", "a\nb", std::string("a\0b", 3), "a\x7f"})
        CHECK_FALSE(lading::registry::is_safe_header_value(bad));
}

TEST_CASE("error answers carry the spec's status and JSON shape", "[mirror]")
{
    auto e = registry_error_answer("BLOB_UNKNOWN", "blob unknown to registry", "sha256:..");
    CHECK(e.status == 404);
    auto doc = boost::json::parse(e.body);
    const auto& first = doc.at("errors").as_array().at(0).as_object();
    CHECK(first.at("code").as_string() == "BLOB_UNKNOWN");
    CHECK(first.at("message").as_string() == "blob unknown to registry");
    CHECK(first.at("detail").as_string() == "sha256:..");
    CHECK(registry_error_answer("UNSUPPORTED", "read-only").status == 405);
    CHECK(registry_error_answer("UNAUTHORIZED", "x").status == 401);
}

TEST_CASE("--variant takes a compression and an optional tag suffix", "[mirror]")
{
    auto z = parse_variant_option("zstd");
    CHECK(z.compression == "zstd");
    CHECK(z.suffix == "-zstd");
    auto e = parse_variant_option("estargz:-esgz");
    CHECK(e.compression == "estargz");
    CHECK(e.suffix == "-esgz");
    CHECK_THROWS_AS(parse_variant_option(":x"), lading::usage_error);
    CHECK_THROWS_AS(parse_variant_option("zstd:"), lading::usage_error);
    CHECK_THROWS_AS(parse_variant_option("zstd:a/b"), lading::usage_error);
}
