// lading's registry session driven directly (no CLI) against a real docker-registry with a
// token server behind a fault proxy: checks of one request's settings that a whole export
// cannot isolate.
#include <catch2/catch.hpp>

#include "registry/session.hpp"

#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

using namespace lading::test;
namespace reg = lading::registry;
namespace fs = std::filesystem;

namespace {

// Runs one session call to completion on its own io_context.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> call)
{
    auto result = boost::asio::co_spawn(io, std::move(call), boost::asio::use_future);
    io.restart();
    io.run();
    return result.get();
}

reg::request_spec get(const std::string& target, const std::string& repository)
{
    reg::request_spec spec;
    spec.target = target;
    spec.scopes = {"repository:" + repository + ":pull"};
    spec.expected = {200};
    spec.what = target;
    return spec;
}

}  // namespace

TEST_CASE("a token fetch that fails on the network leaves later requests their own body limit", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens({.signing = ca.token_signing(), .grants = {{"", {{"*", {"pull", "push"}}}}}});
    fault_proxy token_front("127.0.0.1", tokens.port());
    registry_server registry({.token = token_auth{"http://" + token_front.address() + "/token", tokens.service(),
                                                  tokens.issuer(), ca.ca_certificate()}});

    // An image whose only layer is a 2 MiB blob: more than a token answer may be (1 MiB),
    // less than a body the session reads into memory (4 MiB).
    auto big = work.path() / "big";
    fs::create_directories(big);
    write_random_file(big / "blob.bin", 2u << 20, 7);
    export_request push{
        .layers = {big},
        .outputs = {"type=registry,name=" + registry.address() + "/big/img:1,compression=uncompressed,oci-mediatypes=true"},
        .store = work.path() / "store",
        .metadata_file = work.path() / "meta.json",
    };
    export_ok(push);

    boost::asio::io_context io;
    reg::session_options options;
    options.retry.max_attempts = 1;
    reg::session session(io.get_executor(), registry.address(), options);
    run(io, session.ping());

    token_front.drop_requests("GET", "^/token$", 1);
    CHECK_THROWS_AS(run(io, session.send(get("/v2/big/img/manifests/1", "big/img"))), std::exception);
    REQUIRE(token_front.pending_scripts() == 0);

    auto manifest_spec = get("/v2/big/img/manifests/1", "big/img");
    manifest_spec.headers.set(boost::beast::http::field::accept, "application/vnd.oci.image.manifest.v1+json");
    auto manifest = boost::json::parse(run(io, session.send(manifest_spec)).body).as_object();
    std::string layer(manifest.at("layers").as_array().at(0).as_object().at("digest").as_string());
    auto blob = run(io, session.send(get("/v2/big/img/blobs/" + layer, "big/img")));
    CHECK(blob.body.size() > (2u << 20));
}
