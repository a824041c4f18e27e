// Pushes to real registries (Debian's docker-registry 2.8) started by the test: plain HTTP,
// TLS with a test CA, htpasswd Basic auth and Bearer tokens from a token server; each image
// is read back by skopeo and pulled by a private containerd, digests compared. Faults come
// from a proxy that drops connections and answers 500 and 429; a redirecting front checks
// that credentials never follow a redirect to another host.
#include <catch2/catch.hpp>

#include "common/containerd_fixture.hpp"
#include "common/hand_made_layout.hpp"
#include "common/image_view.hpp"
#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/oci_layout.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/free_port.hpp"
#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/redirecting_front.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"
#include "common/tar_builder.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <thread>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

export_request push_request(const fs::path& work, const std::string& output)
{
    auto req = small_tree_export(work, output);
    req.progress = "plain";
    return req;
}

// Runs a push that must succeed with its layer streamed while it was built (no fallback
// upload from the store), and returns its metadata.
export_metadata streamed_push_ok(const export_request& req)
{
    auto r = run_export(req);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("warning: streaming layer") == std::string::npos);
    return read_export_metadata(req.metadata_file);
}

// One line on stderr that starts with "lading:" (progress lines are plain-mode steps).
std::string last_line(const std::string& text)
{
    auto lines = split_lines(text);
    return lines.empty() ? std::string() : lines.back();
}

}  // namespace

TEST_CASE("push to a plain-HTTP registry, read back by skopeo and containerd", "[registry]")
{
    temp_dir work;
    registry_server registry;
    containerd_fixture containerd;
    const auto ref = registry.address() + "/team/app:1";
    auto meta = export_ok(push_request(work.path(), "type=registry,name=" + ref + ",oci-mediatypes=true"));
    CHECK(skopeo_digest(ref, {"--tls-verify=false"}) == meta.digest);
    CHECK(ctr_pull_digest(containerd, ref, {"--plain-http"}) == meta.digest);

    SECTION("store=false pushes without touching the store")
    {
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/team/app:2,store=false");
        req.store = work.path() / "untouched";
        auto m = export_ok(req);
        CHECK_FALSE(fs::exists(req.store));
        CHECK(skopeo_digest(registry.address() + "/team/app:2", {"--tls-verify=false"}) == m.digest);
    }
    SECTION("push-by-digest creates no tag and refuses tagged names")
    {
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/bydigest,push-by-digest=true");
        auto r = run_export(req);
        INFO(r.describe());
        REQUIRE(r.exit_code == 0);
        const auto m = read_export_metadata(req.metadata_file);
        CHECK(skopeo_raw_digest(registry.address() + "/bydigest@" + m.digest, {"--tls-verify=false"}) == m.digest);
        // The progress names what was made: the image by its digest, no tag.
        CHECK(r.err.find("pushed " + registry.address() + "/bydigest@" + m.digest) != std::string::npos);
        CHECK(r.err.find("/bydigest:latest") == std::string::npos);
        auto tags = run_process({"skopeo", "list-tags", "--tls-verify=false", "docker://" + registry.address() + "/bydigest"});
        // distribution 2.8 answers 404 for the tag list of a repository without tags.
        CHECK(((tags.exit_code != 0 && tags.err.find("404") != std::string::npos) ||
               tags.out.find("\"Tags\": []") != std::string::npos));
        auto latest = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false",
                                   "docker://" + registry.address() + "/bydigest:latest"});
        CHECK(latest.exit_code != 0);
        auto bad = run_export(push_request(work.path(), "type=registry,name=" + ref + ",push-by-digest=true"));
        CHECK(bad.exit_code == 2);
        CHECK(bad.err.find("can't push tagged ref") != std::string::npos);
    }
    SECTION("two outputs of the same image may push one tag; of different images they may not")
    {
        const auto twice = registry.address() + "/twice/app:1";
        auto same = push_request(work.path(), "type=registry,name=" + twice);
        same.outputs.push_back("type=image,push=true,store=false,name=" + twice);
        auto m = export_ok(same);
        CHECK(skopeo_digest(twice, {"--tls-verify=false"}) == m.digest);
        auto differ = same;
        differ.outputs.back() += ",compression=zstd";
        auto r = run_export(differ);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("outputs 1 and 2 both push " + twice) != std::string::npos);
    }
    SECTION("several names of one output are all pushed")
    {
        auto a = registry.address() + "/multi/a:1", b = registry.address() + "/multi/b:2";
        auto m = export_ok(push_request(work.path(), "type=registry,\"name=" + a + "," + b + "\""));
        CHECK(skopeo_digest(a, {"--tls-verify=false"}) == m.digest);
        CHECK(skopeo_digest(b, {"--tls-verify=false"}) == m.digest);
    }
}

TEST_CASE("push over TLS trusts a CA from certs.d and refuses an unknown one", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki", {.unknown_ca = true});
    registry_server registry({.tls = ca.server()});
    containerd_fixture containerd;
    const auto ref = registry.address() + "/tls/app:1";
    auto certs = work.path() / "certs.d";
    fs::create_directories(certs / registry.address());

    auto untrusted = push_request(work.path(), "type=registry,name=" + ref);
    untrusted.env["LADING_CERTS_D"] = certs.string();
    auto refused = run_export(untrusted);
    CHECK(refused.exit_code == 1);
    CHECK(last_line(refused.err).find("certificate") != std::string::npos);
    CHECK(last_line(refused.err).find(registry.address()) != std::string::npos);
    CHECK(last_line(refused.err).find("or skip the check with registry.insecure=true on the output)") != std::string::npos);
    CHECK(registry.repositories().empty());
    // Each command is told what it can set: a base image is pulled with the host
    // configuration's trust, which registry.insecure does not change; login has --insecure.
    auto pull = small_tree_export(work.path(), "type=image,name=derived:1");
    pull.extra_args = {"--from", ref};
    pull.env["LADING_CERTS_D"] = certs.string();
    auto pull_refused = run_export(pull);
    CHECK(pull_refused.exit_code == 1);
    CHECK(last_line(pull_refused.err).find("or skip the check with \"insecure\": true for " + registry.address() +
                                           " in lading's host configuration)") != std::string::npos);
    auto login_options = lading_cmd().options(
        {"login", registry.address(), "-u", "u", "--password-stdin"},
        {{"LADING_CERTS_D", certs.string()}, {"DOCKER_CONFIG", (work.path() / "dc").string()}}, std::chrono::minutes(1));
    login_options.stdin_data = "pw\n";
    auto login = run_process(login_options);
    INFO(login.describe());
    CHECK(login.exit_code != 0);
    CHECK(last_line(login.err).find("or skip the check with --insecure)") != std::string::npos);

    fs::copy_file(ca.ca_certificate(), certs / registry.address() / "ca.crt");
    auto trusted = untrusted;
    auto meta = export_ok(trusted);
    CHECK(skopeo_digest(ref, {"--cert-dir", ca.client_cert_dir().string()}) == meta.digest);
    auto hosts = write_ctr_hosts_dir(work.path() / "ctr-hosts", registry.address(), ca.ca_certificate());
    CHECK(ctr_pull_digest(containerd, ref, {"--hosts-dir", hosts.string()}) == meta.digest);

    SECTION("registry.insecure=true skips verification for that registry only")
    {
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/tls/insecure:1,registry.insecure=true");
        req.env["LADING_CERTS_D"] = (work.path() / "empty-certs").string();
        auto m = export_ok(req);
        CHECK(skopeo_digest(registry.address() + "/tls/insecure:1", {"--tls-verify=false"}) == m.digest);
    }
    SECTION("one output's registry.insecure=true does not loosen another's to the same registry")
    {
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/tls/loose:1,registry.insecure=true");
        req.outputs.push_back("type=registry,name=" + registry.address() + "/tls/strict:1");
        req.env["LADING_CERTS_D"] = (work.path() / "empty-certs").string();
        auto r = run_export(req);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("certificate") != std::string::npos);
        const auto repositories = registry.repositories();
        CHECK(std::find(repositories.begin(), repositories.end(), "tls/strict") == repositories.end());
    }
    SECTION("a CA trusted for one registry is not trusted for another in the same run")
    {
        registry_server other({.tls = ca.server()});  // signed by the same CA, not in certs.d
        auto req = trusted;
        req.outputs.push_back("type=registry,name=" + other.address() + "/tls/other:1");
        auto r = run_export(req);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("certificate") != std::string::npos);
        CHECK(last_line(r.err).find(other.address()) != std::string::npos);
        CHECK(other.repositories().empty());
    }
}

TEST_CASE("htpasswd Basic auth: login, push, and clear errors without secrets", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    registry_server registry({.tls = ca.server(), .htpasswd = htpasswd_auth{.users = {{"ci", "s3cret-pw"}}}});
    containerd_fixture containerd;
    auto certs = work.path() / "certs.d";
    fs::create_directories(certs / registry.address());
    fs::copy_file(ca.ca_certificate(), certs / registry.address() / "ca.crt");
    auto docker_config = work.path() / "docker";
    env_overrides env{{"LADING_CERTS_D", certs.string()}, {"DOCKER_CONFIG", docker_config.string()}};

    auto wrong = lading_cmd().run({"login", registry.address(), "-u", "ci", "--password-stdin"}, env);
    CHECK(wrong.exit_code == 2);  // no password on stdin
    auto opts = lading_cmd().options({"login", registry.address(), "-u", "ci", "--password-stdin"}, env);
    opts.stdin_data = "not-the-password\n";
    auto denied = run_process(opts);
    CHECK(denied.exit_code == 1);
    CHECK(denied.err.find("authentication to " + registry.address() + " failed") != std::string::npos);
    CHECK(denied.err.find("not-the-password") == std::string::npos);
    CHECK_FALSE(fs::exists(docker_config / "config.json"));

    opts.stdin_data = "s3cret-pw\n";
    auto login = run_process(opts);
    INFO(login.describe());
    REQUIRE(login.exit_code == 0);
    REQUIRE(fs::exists(docker_config / "config.json"));

    const auto ref = registry.address() + "/private/app:1";
    auto req = push_request(work.path(), "type=registry,name=" + ref);
    req.env.insert(env.begin(), env.end());
    auto meta = streamed_push_ok(req);
    CHECK(skopeo_digest(ref, {"--cert-dir", ca.client_cert_dir().string(), "--creds", "ci:s3cret-pw"}) == meta.digest);
    auto hosts = write_ctr_hosts_dir(work.path() / "ctr-hosts", registry.address(), ca.ca_certificate());
    CHECK(ctr_pull_digest(containerd, ref, {"--hosts-dir", hosts.string(), "--user", "ci:s3cret-pw"}) == meta.digest);

    SECTION("wrong stored credentials fail the push with one clear line")
    {
        write_docker_config(docker_config, registry.address(), "ci", "wrong-pw");
        auto r = run_export(push_request(work.path(), "type=registry,name=" + registry.address() + "/private/app:2"));
        auto bad = req;
        bad.outputs = {"type=registry,name=" + registry.address() + "/private/app:2"};
        r = run_export(bad);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("authentication to " + registry.address() + " failed") != std::string::npos);
        CHECK(r.err.find("wrong-pw") == std::string::npos);
    }
    SECTION("login takes a server address as docker does, and writes through a linked config.json")
    {
        // Dotfiles kept elsewhere: config.json is a link, which must stay one.
        const auto kept = work.path() / "dotfiles" / "docker-config.json";
        fs::create_directories(kept.parent_path());
        write_bytes(kept, R"({"auths":{}})");
        fs::remove(docker_config / "config.json");
        fs::create_symlink(kept, docker_config / "config.json");
        auto as_url = lading_cmd().options({"login", "https://" + registry.address() + "/v2/", "-u", "ci", "--password-stdin"}, env);
        as_url.stdin_data = "s3cret-pw\n";
        auto r = run_process(as_url);
        INFO(r.describe());
        REQUIRE(r.exit_code == 0);
        CHECK(fs::is_symlink(docker_config / "config.json"));
        const auto auths = read_json_file(kept).at("auths").as_object();
        CHECK(auths.size() == 1);
        CHECK(auths.contains(registry.address()));
    }
}

TEST_CASE("Bearer token auth: scopes asked for, push and pull", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens(robot_tokens(ca));
    registry_server registry({.token = token_auth_for(tokens, ca)});
    containerd_fixture containerd;
    auto docker_config = write_docker_config(work.path() / "docker", registry.address(), "robot", "tok-pw");
    const auto ref = registry.address() + "/team/tokened:1";
    auto req = push_request(work.path(), "type=registry,name=" + ref);
    req.env["DOCKER_CONFIG"] = docker_config.string();
    auto meta = streamed_push_ok(req);

    bool asked_push_scope = false;
    for (const auto& r : tokens.requests())
        for (const auto& s : r.scopes)
            if (s == "repository:team/tokened:pull,push" && r.user == "robot" && r.status == 200) asked_push_scope = true;
    CHECK(asked_push_scope);
    CHECK(skopeo_digest(ref, {"--tls-verify=false", "--creds", "robot:tok-pw"}) == meta.digest);
    CHECK(ctr_pull_digest(containerd, ref, {"--plain-http", "--user", "robot:tok-pw"}) == meta.digest);

    SECTION("a refused token is a clear error")
    {
        auto bad = req;
        bad.env["DOCKER_CONFIG"] = write_docker_config(work.path() / "docker-bad", registry.address(), "robot", "nope").string();
        auto r = run_export(bad);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("token server refused the credentials") != std::string::npos);
        CHECK(r.err.find("nope") == std::string::npos);
    }
    SECTION("without credentials, a refused anonymous token asks for a login, blaming no credentials")
    {
        auto anonymous = req;
        fs::create_directories(work.path() / "docker-none");
        anonymous.env["DOCKER_CONFIG"] = (work.path() / "docker-none").string();
        auto r = run_export(anonymous);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("registry " + registry.address() + " needs credentials") != std::string::npos);
        CHECK(last_line(r.err).find("run lading login " + registry.address()) != std::string::npos);
        CHECK(last_line(r.err).find("refused the credentials") == std::string::npos);
    }
}

TEST_CASE("dropped connections, 500 and 429 are retried; the push completes", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.answer_500("GET", "^/v2/$", 2);
    proxy.answer_500("HEAD", "/blobs/", 2);
    proxy.answer_429("POST", "/blobs/uploads/", 1, std::chrono::seconds(1));
    proxy.drop_requests("PUT", "/blobs/uploads/", 1, 100);
    proxy.answer_500("PUT", "/manifests/", 1);
    const auto ref = proxy.address() + "/faults/app:1";
    auto started = std::chrono::steady_clock::now();
    auto meta = export_ok(push_request(work.path(), "type=registry,name=" + ref + ",oci-mediatypes=true"));
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(proxy.pending_scripts() == 0);
    CHECK(took >= std::chrono::seconds(1));  // Retry-After was honoured
    CHECK(took < std::chrono::seconds(60));
    CHECK(skopeo_digest(registry.address() + "/faults/app:1", {"--tls-verify=false"}) == meta.digest);
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "docker://" + registry.address() + "/faults/app:1",
                             "dir:" + (work.path() / "copy").string()});
    CHECK(copy.exit_code == 0);  // every blob digest verified by skopeo

    SECTION("a registry that keeps failing gives one line naming it, the object and the status")
    {
        proxy.answer_500("PUT", "/manifests/", 100);
        auto r = run_export(push_request(work.path(), "type=registry,name=" + proxy.address() + "/faults/app:2"));
        CHECK(r.exit_code == 1);
        auto line = last_line(r.err);
        CHECK(line.find(proxy.address()) != std::string::npos);
        CHECK(line.find("manifest") != std::string::npos);
        CHECK(line.find("HTTP 500") != std::string::npos);
        proxy.clear_scripts();
    }
    SECTION("a malformed WWW-Authenticate and an oversized error body are refused clearly")
    {
        // Every ping gets it: the layer's streamed upload pings the registry too.
        proxy.answer("GET", "^/v2/$", 100, {401, {{"WWW-Authenticate", "Bearer realm=\"https://x/unterminated"}}, "", false});
        auto r = run_export(push_request(work.path(), "type=registry,name=" + proxy.address() + "/faults/app:3"));
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("malformed WWW-Authenticate") != std::string::npos);
        proxy.clear_scripts();

        proxy.answer("PUT", "/manifests/", 1, {400, {}, std::string(6 << 20, 'x'), false});
        r = run_export(push_request(work.path(), "type=registry,name=" + proxy.address() + "/faults/app:4"));
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("larger than") != std::string::npos);
        proxy.clear_scripts();
    }
}

TEST_CASE("a registry that takes the connection and never answers fails the push in bounded time", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.stall_requests("GET", "^/v2/$", 1000);  // every greeting waits forever
    const auto ref = proxy.address() + "/silent/app:1";
    auto req = push_request(work.path(), "type=registry,name=" + ref + ",store=false");
    // Each of the greeting's attempts used to wait out the 120 s io limit, and each session
    // greeted again: a quarter of an hour and more. Now one 30 s greeting fails the push (the
    // push waits for the streamed layer's greeting and takes its failure).
    auto r = lading_cmd().run(export_argv(req), req.env, std::chrono::minutes(3));
    INFO(r.describe());
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    CHECK(last_line(r.err).find("registry " + proxy.address() + " took the connection but did not answer on /v2/") !=
          std::string::npos);
    CHECK(last_line(r.err).find("within 30 s") != std::string::npos);
    // Nothing reached the registry behind the proxy.
    auto tags = run_process({"skopeo", "list-tags", "--tls-verify=false", "docker://" + registry.address() + "/silent/app"});
    CHECK(tags.exit_code != 0);
}

TEST_CASE("a HEAD that answers a blob with another length is not trusted: the blob is uploaded", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    export_ok(push_request(work.path(), "type=image,name=base:1,oci-mediatypes=true"));
    // Every blob HEAD is answered 200 with a Content-Length of 1 byte: no blob of this image is that small.
    proxy.answer("HEAD", "/blobs/sha256:", 1000, {200, {}, "x", false});
    auto req = small_tree_export(work.path(), "type=registry,name=" + proxy.address() + "/lies/app:1,store=false,oci-mediatypes=true",
                                 "top");
    req.extra_args = {"--from", "oci-layout://" + (work.path() / "store").string() + ":base:1"};
    auto meta = export_ok(req);

    std::size_t heads_answered = 0;
    for (const auto& r : proxy.requests())
        if (r.method == "HEAD" && r.outcome == fault_outcome::answered) ++heads_answered;
    CHECK(heads_answered > 0);
    // The registry holds every blob: skopeo reads each back and verifies its digest.
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "docker://" + registry.address() + "/lies/app:1",
                             "dir:" + (work.path() / "copy").string()});
    INFO(copy.describe());
    CHECK(copy.exit_code == 0);
    CHECK(skopeo_digest(registry.address() + "/lies/app:1", {"--tls-verify=false"}) == meta.digest);
}

TEST_CASE("credentials never follow a redirect to another host", "[registry]")
{
    temp_dir work;
    registry_server registry({.htpasswd = htpasswd_auth{.users = {{"ci", "pw"}}}});
    redirecting_front front("127.0.0.1", registry.port());
    auto docker_config = write_docker_config(work.path() / "docker", front.address(), "ci", "pw");

    auto base = push_request(work.path(), "type=registry,name=" + front.address() + "/base/img:1");
    base.env["DOCKER_CONFIG"] = docker_config.string();
    export_ok(base);

    // Building on that image with store=true needs its layer bytes: GETs that the front
    // redirects to its blob host, another origin.
    auto derived = push_request(work.path(), "type=image,name=derived:1");
    derived.extra_args = {"--from", front.address() + "/base/img:1"};
    derived.env["DOCKER_CONFIG"] = docker_config.string();
    export_ok(derived);
    CHECK(front.redirects() > 0);
    CHECK(front.blob_host().recorder().size() > 0);
    CHECK(front.blob_host().recorder().count_with_header("Authorization") == 0);
    CHECK(front.recorder().count_with_header("Authorization") > 0);
}

TEST_CASE("a token realm at a link-local address is refused before a request goes there", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens(robot_tokens(ca));
    auto auth = token_auth_for(tokens, ca);
    auth.realm = "http://169.254.169.254/latest/meta-data/token";  // where cloud metadata answers
    registry_server registry({.token = auth});
    auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/team/app:1");
    req.env["DOCKER_CONFIG"] = write_docker_config(work.path() / "docker", registry.address(), "robot", "tok-pw").string();
    auto r = run_export(req);
    CHECK(r.exit_code == 1);
    CHECK(last_line(r.err).find("points its token realm at http://169.254.169.254:80") != std::string::npos);
    CHECK(last_line(r.err).find("network the registry is not on") != std::string::npos);
    CHECK(r.err.find("tok-pw") == std::string::npos);
}

TEST_CASE("a token realm whose name resolves to a link-local address is refused before a request goes there",
          "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens(robot_tokens(ca));
    auto auth = token_auth_for(tokens, ca);
    auth.realm = "http://metadata.lading-test/latest/meta-data/token";
    registry_server registry({.token = auth});
    auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/team/app:1");
    req.env["DOCKER_CONFIG"] = write_docker_config(work.path() / "docker", registry.address(), "robot", "tok-pw").string();
    // The name resolves, for this lading only, where cloud metadata answers: its own mount
    // namespace sees /etc/hosts with one line more.
    const auto hosts = work.path() / "hosts";
    {
        std::ifstream system_hosts("/etc/hosts");
        std::ofstream(hosts) << system_hosts.rdbuf() << "\n169.254.169.254 metadata.lading-test\n";
    }
    auto options = lading_cmd().options(export_argv(req), req.env);
    options.argv.insert(options.argv.begin(), {"unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                                               "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts.string()});
    auto r = run_process(options);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    CHECK(last_line(r.err).find("sent lading to metadata.lading-test, which resolves to 169.254.169.254 on a network "
                                "the registry is not on; refusing to connect there") != std::string::npos);
    CHECK(r.err.find("tok-pw") == std::string::npos);
}

TEST_CASE("a multi-platform base on the same registry is mounted, not uploaded again", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    auto big = work.path() / "big";
    fs::create_directories(big);
    write_random_file(big / "blob.bin", 4u << 20, 13);
    auto base = push_request(work.path(), "type=registry,name=" + proxy.address() + "/lib/base:1,compression=uncompressed,oci-mediatypes=true");
    base.layers = {big};
    base.platform = "linux/amd64,linux/arm64";
    export_ok(base);
    auto base_bytes = proxy.bytes_upstream();
    CHECK(base_bytes > (4u << 20));

    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=registry,name=" + proxy.address() + "/app/derived:1,store=false,oci-mediatypes=true");
    derived.layers = {top};
    derived.platform = "linux/arm64";
    derived.extra_args = {"--from", proxy.address() + "/lib/base:1"};
    auto meta = export_ok(derived);
    CHECK(proxy.bytes_upstream() - base_bytes < (1u << 20));
    bool mounted = false;
    for (const auto& r : proxy.requests())
        if (r.method == "POST" && r.target.find("mount=") != std::string::npos && r.target.find("from=lib%2Fbase") != std::string::npos)
            mounted = true;
    CHECK(mounted);
    auto arm = run_process({"skopeo", "--override-arch", "arm64", "copy", "--src-tls-verify=false",
                            "docker://" + registry.address() + "/app/derived:1", "dir:" + (work.path() / "arm").string()});
    INFO(arm.describe());
    CHECK(arm.exit_code == 0);
    CHECK(skopeo_digest(registry.address() + "/app/derived:1", {"--tls-verify=false"}) == meta.digest);
}

TEST_CASE("a registry base index whose entries state no platform: the one whose config matches is used",
          "[registry][platform]")
{
    temp_dir work;
    registry_server registry;
    const auto layer = lading::test_tar::archive_of({lading::test_tar::file_member("etc/os-release", "ID=hand-made\n")});
    const boost::json::object arm64{{"architecture", "arm64"}, {"os", "linux"}};
    const boost::json::object amd64{{"architecture", "amd64"}, {"os", "linux"}};
    write_hand_made_index(work.path() / "layout", "1", {{{}, arm64}, {{}, amd64}}, layer);
    const auto base = registry.address() + "/lib/unlabelled:1";
    auto copied = run_process({"skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                               "oci:" + (work.path() / "layout").string() + ":1", "docker://" + base});
    INFO(copied.describe());
    REQUIRE(copied.exit_code == 0);

    auto req = push_request(work.path(), "type=image,name=app:1,oci-mediatypes=true");
    req.platform = "linux/arm64";
    req.extra_args = {"--from", base};
    auto meta = export_ok(req);
    auto image = read_image(req.store, meta.digest);
    CHECK(image.config.at("architecture") == "arm64");
    CHECK(image.layer_digests.size() == 2);
}

TEST_CASE("a multi-platform push with store=false reads each platform's layers of a local base", "[registry]")
{
    temp_dir work;
    registry_server registry;
    // A base in an OCI layout whose platforms have layers of their own.
    auto common = work.path() / "common";
    make_small_tree(common, "common");
    std::map<std::string, fs::path> own;
    for (std::string arch : {"amd64", "arm64"}) {
        own[arch] = work.path() / ("only-" + arch);
        fs::create_directories(own[arch]);
        write_random_file(own[arch] / "blob.bin", 200000, arch == "amd64" ? 21 : 22);
    }
    auto base = push_request(work.path(), "type=image,name=base:1");
    base.layers = {common, "linux/amd64=" + own["amd64"].string(), "linux/arm64=" + own["arm64"].string()};
    base.platform = "linux/amd64,linux/arm64";
    base.store = work.path() / "base-store";
    export_ok(base);

    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=registry,name=" + registry.address() + "/app/derived:1,store=false");
    derived.layers = {top};
    derived.platform = "linux/amd64,linux/arm64";
    derived.store = work.path() / "derived-store";
    derived.extra_args = {"--from", "oci-layout://" + base.store.string() + ":base:1"};
    auto meta = export_ok(derived);
    CHECK(skopeo_digest(registry.address() + "/app/derived:1", {"--tls-verify=false"}) == meta.digest);
    // Every blob of both platforms is there: skopeo copies each whole and checks its digest.
    for (std::string arch : {"amd64", "arm64"}) {
        auto copy = run_process({"skopeo", "--override-arch", arch, "copy", "--src-tls-verify=false",
                                 "docker://" + registry.address() + "/app/derived:1", "dir:" + (work.path() / arch).string()});
        INFO(copy.describe());
        CHECK(copy.exit_code == 0);
    }
}

TEST_CASE("a credential helper from config.json supplies the login", "[registry]")
{
    temp_dir work;
    registry_server registry({.htpasswd = htpasswd_auth{.users = {{"helped", "helper-pw"}}}});
    auto bin = work.path() / "bin";
    fs::create_directories(bin);
    {
        std::ofstream helper(bin / "docker-credential-lading-test");
        helper << "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread host\n"
               << "[ \"$host\" = \"" << registry.address() << "\" ] || { echo 'credentials not found in native keychain'; exit 1; }\n"
               << "echo '{\"ServerURL\":\"'$host'\",\"Username\":\"helped\",\"Secret\":\"helper-pw\"}'\n";
    }
    fs::permissions(bin / "docker-credential-lading-test", fs::perms::owner_all);
    auto docker_config = work.path() / "docker";
    fs::create_directories(docker_config);
    std::ofstream(docker_config / "config.json") << R"({"credsStore":"lading-test"})";

    const auto ref = registry.address() + "/helped/app:1";
    auto req = push_request(work.path(), "type=registry,name=" + ref);
    req.env["DOCKER_CONFIG"] = docker_config.string();
    req.env["PATH"] = bin.string() + ":" + std::getenv("PATH");
    auto meta = export_ok(req);
    CHECK(skopeo_digest(ref, {"--tls-verify=false", "--creds", "helped:helper-pw"}) == meta.digest);

    SECTION("a configured helper that cannot run is an error, not anonymous access")
    {
        std::ofstream(docker_config / "config.json") << R"({"credsStore":"missing-helper"})";
        auto r = run_export(req);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find("docker-credential-missing-helper is configured but cannot be run") != std::string::npos);
    }
}

TEST_CASE("host configuration: a pull mirror serves the base image when the registry is down", "[registry]")
{
    temp_dir work;
    registry_server mirror;
    auto base = push_request(work.path(), "type=registry,name=" + mirror.address() + "/lib/base:1");
    auto base_meta = export_ok(base);

    // A registry address where nothing listens: only the mirror can answer.
    const std::string origin = "127.0.0.1:" + std::to_string(free_port());
    auto config = work.path() / "lading.json";
    std::ofstream(config) << R"({"registries":{")" << origin << R"(":{"mirrors":[")" << mirror.address()
                          << R"("]},")" << mirror.address() << R"(":{"http":true}}})";
    auto derived = push_request(work.path(), "type=image,name=from-mirror:1");
    derived.extra_args = {"--from", origin + "/lib/base:1", "--config", config.string()};
    export_ok(derived);
    auto listed = find_listed(list_images(derived.store), "from-mirror:1");
    REQUIRE(listed);

    auto without = derived;
    without.extra_args = {"--from", origin + "/lib/base:1"};
    auto r = run_export(without);
    CHECK(r.exit_code == 1);
    CHECK(last_line(r.err).find(origin) != std::string::npos);
}

TEST_CASE("host configuration: a mirror with a path serves repositories under that path", "[registry]")
{
    temp_dir work;
    registry_server mirror;
    // The same name under the mirror's path and at its root, told apart by a label.
    for (const std::string where : {"cache", "root"}) {
        auto base = push_request(work.path(), "type=registry,name=" + mirror.address() +
                                                  (where == "cache" ? "/cache/lib/base:1" : "/lib/base:1"));
        base.extra_args = {"--label", "where=" + where};
        export_ok(base);
    }
    const std::string origin = "127.0.0.1:" + std::to_string(free_port());  // nothing listens
    auto config = work.path() / "lading.json";
    std::ofstream(config) << R"({"registries":{")" << origin << R"(":{"mirrors":[")" << mirror.address()
                          << R"(/cache/"]},")" << mirror.address() << R"(":{"http":true}}})";
    auto derived = push_request(work.path(), "type=image,name=from-path:1");
    derived.extra_args = {"--from", origin + "/lib/base:1", "--config", config.string()};
    export_ok(derived);
    oci_layout store(derived.store);
    auto manifest = store.read_json_blob(json_string(*store.find_entry("from-path:1"), "digest"));
    auto image_config = store.read_json_blob(json_string(manifest.at("config"), "digest"));
    CHECK(json_string(image_config.at("config").at("Labels"), "where") == "cache");

    SECTION("when the mirror and the registry both fail, the error names the mirror's reason too")
    {
        std::ofstream(config) << R"({"registries":{")" << origin << R"(":{"mirrors":[")" << mirror.address()
                              << R"(/elsewhere"]},")" << mirror.address() << R"(":{"http":true}}})";
        auto r = run_export(derived);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).find(origin) != std::string::npos);
        CHECK(last_line(r.err).find("mirror " + mirror.address() + "/elsewhere: ") != std::string::npos);
    }
    SECTION("a mirror written with a scheme, as docker's registry-mirrors are, is its host and path")
    {
        std::ofstream(config) << R"({"registries":{")" << origin << R"(":{"mirrors":["https://)" << mirror.address()
                              << R"(/cache"]},")" << mirror.address() << R"(":{"http":true}}})";
        auto again = derived;
        again.outputs = {"type=image,name=from-scheme:1"};
        export_ok(again);
        auto m = store.read_json_blob(json_string(*store.find_entry("from-scheme:1"), "digest"));
        auto c = store.read_json_blob(json_string(m.at("config"), "digest"));
        CHECK(json_string(c.at("config").at("Labels"), "where") == "cache");
    }
}

TEST_CASE("a push to a port where nothing listens fails with one line and no Boost source locations", "[registry]")
{
    temp_dir work;
    const std::string target = "127.0.0.1:" + std::to_string(free_port()) + "/closed/app:1";
    auto req = small_tree_export(work.path(), "type=registry,name=" + target);
    req.env["LADING_REGISTRY_RETRY_DELAY_MS"] = "5";
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(r.err.find("Connection refused") != std::string::npos);
    CHECK(r.err.find(" at /") == std::string::npos);

    // The streamed layer's warning about the same failure, in the progress lines, too; and
    // with store=false the name is bound nowhere, so no line may claim it.
    req.outputs = {"type=registry,name=" + target + ",store=false"};
    req.progress = "plain";
    r = run_export(req);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("Connection refused") != std::string::npos);
    CHECK(r.err.find(" at /") == std::string::npos);
    CHECK(r.err.find("exported sha256:") != std::string::npos);
    CHECK(r.err.find(target) == std::string::npos);
}

TEST_CASE("SIGINT during a push stops it at once and leaves no temporary files", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    // Every blob check is answered 429 with a long Retry-After: the push sits in backoff.
    proxy.answer_429("HEAD", "/blobs/", 1000, std::chrono::seconds(8));
    auto tmp = work.path() / "tmp";
    fs::create_directories(tmp);
    auto req = push_request(work.path(), "type=registry,name=" + proxy.address() + "/interrupted/app:1,store=false");
    req.env["TMPDIR"] = tmp.string();
    auto child = lading_cmd().start(export_argv(req), req.env);

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto saw_head = [&] {
        for (const auto& r : proxy.requests())
            if (r.method == "HEAD") return true;
        return false;
    };
    while (!saw_head() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(saw_head());
    REQUIRE(child.running());
    auto signalled = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    auto result = child.wait_for(std::chrono::seconds(20));
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(3));
    CHECK(result.exit_code == 1);
    CHECK(last_line(result.err).find("interrupted") != std::string::npos);
    CHECK(fs::is_empty(tmp));  // the push spool is gone
    CHECK(registry.repositories().empty());
}

TEST_CASE("an identity token in config.json is exchanged with an OAuth2 POST", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens(robot_tokens(ca));
    registry_server registry({.token = token_auth_for(tokens, ca)});
    // An offline token, as `docker login` stores it for OAuth2 registries.
    auto offline = http_fetch(boost::beast::http::verb::get,
                              tokens.realm() + "?service=" + tokens.service() + "&offline_token=true&client_id=test",
                              {}, {{"Authorization", "Basic cm9ib3Q6dG9rLXB3"}});  // robot:tok-pw
    REQUIRE(offline.result_int() == 200);
    auto refresh = std::string(boost::json::parse(offline.body()).at("refresh_token").as_string());
    REQUIRE_FALSE(refresh.empty());
    auto docker_config = work.path() / "docker";
    fs::create_directories(docker_config);
    std::ofstream(docker_config / "config.json")
        << R"({"auths":{")" << registry.address() << R"(":{"identitytoken":")" << refresh << R"("}}})";
    tokens.clear_requests();

    const auto ref = registry.address() + "/oauth/app:1";
    auto req = push_request(work.path(), "type=registry,name=" + ref);
    req.env["DOCKER_CONFIG"] = docker_config.string();
    auto meta = export_ok(req);
    bool posted = false;
    for (const auto& r : tokens.requests()) {
        CHECK(r.method == "POST");  // never a GET with a password: there is none
        if (r.grant_type == "refresh_token" && r.status == 200) posted = true;
    }
    CHECK(posted);
    CHECK(skopeo_digest(ref, {"--tls-verify=false", "--creds", "robot:tok-pw"}) == meta.digest);
}

TEST_CASE("force-compression on a registry base uploads the converted layers instead of mounting", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    auto base_tree = work.path() / "base-tree";
    make_small_tree(base_tree, "base");
    auto base = push_request(work.path(), "type=registry,name=" + proxy.address() + "/lib/base:1,store=false,oci-mediatypes=true");
    base.layers = {base_tree};
    export_ok(base);

    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=registry,name=" + proxy.address() +
                                                 "/app/zstd:1,store=false,oci-mediatypes=true,compression=zstd,"
                                                 "force-compression=true");
    derived.layers = {top};
    derived.extra_args = {"--from", proxy.address() + "/lib/base:1"};
    const auto requests_before = proxy.requests().size();
    auto meta = export_ok(derived);
    CHECK_FALSE(fs::exists(work.path() / "store"));  // store=false: the base was fetched into a private spool

    for (std::size_t i = requests_before; i < proxy.requests().size(); ++i)
        CHECK(proxy.requests()[i].target.find("mount=") == std::string::npos);
    auto raw = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + registry.address() + "/app/zstd:1"});
    INFO(raw.describe());
    REQUIRE(raw.succeeded());
    auto manifest = boost::json::parse(raw.out);
    const auto& layers = manifest.at("layers").as_array();
    REQUIRE(layers.size() == 2);
    for (const auto& l : layers) CHECK(l.at("mediaType").as_string() == "application/vnd.oci.image.layer.v1.tar+zstd");
    // skopeo verifies every blob digest while copying.
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "docker://" + registry.address() + "/app/zstd:1",
                             "oci:" + (work.path() / "copy").string() + ":x"});
    INFO(copy.describe());
    CHECK(copy.succeeded());
    CHECK(skopeo_digest(registry.address() + "/app/zstd:1", {"--tls-verify=false"}) == meta.digest);
}

TEST_CASE("a base blob download broken off mid-body is retried and stored intact", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    auto big = work.path() / "big";
    fs::create_directories(big);
    write_random_file(big / "blob.bin", 3u << 20, 11);
    auto base = push_request(work.path(), "type=registry,name=" + proxy.address() + "/lib/base:1,store=false,"
                                          "compression=uncompressed,oci-mediatypes=true");
    base.layers = {big};
    export_ok(base);

    // The first layer download stops after 1 MiB; lading must fetch it again and keep only
    // one copy of each byte.
    proxy.cut_responses("GET", "/blobs/sha256:", 1, 1 << 20);
    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=image,name=derived:1,oci-mediatypes=true");
    derived.layers = {top};
    derived.extra_args = {"--from", proxy.address() + "/lib/base:1"};
    auto meta = export_ok(derived);

    std::size_t blob_gets = 0, cut = 0;
    for (const auto& r : proxy.requests())
        if (r.method == "GET" && r.target.find("/blobs/") != std::string::npos) {
            ++blob_gets;
            if (r.outcome == fault_outcome::dropped) ++cut;
        }
    CHECK(cut == 1);
    CHECK(blob_gets >= 3);  // config, the broken layer download, its retry
    // skopeo reads the stored image and checks every blob's digest while copying it.
    auto copy = run_process({"skopeo", "copy", "oci:" + (work.path() / "store").string() + ":derived:1",
                             "dir:" + (work.path() / "copy").string()});
    INFO(copy.describe());
    CHECK(copy.succeeded());
    CHECK(fs::file_size(work.path() / "copy" / "version") > 0);
    (void)meta;
}

TEST_CASE("a registry that requires a client certificate gets the one in certs.d", "[registry]")
{
    temp_dir work;
    test_ca ca(work.path() / "pki");
    registry_server registry({.tls = ca.server(), .client_cas = {ca.ca_certificate()}});
    auto certs = work.path() / "certs.d";
    const auto host_dir = certs / registry.address();
    fs::create_directories(host_dir);
    fs::copy_file(ca.ca_certificate(), host_dir / "ca.crt");

    // Without a client certificate the handshake is refused: one clear line, nothing pushed.
    auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/mtls/app:1");
    req.env["LADING_CERTS_D"] = certs.string();
    auto refused = run_export(req);
    INFO(refused.describe());
    CHECK(refused.exit_code == 1);
    CHECK(last_line(refused.err).find(registry.address()) != std::string::npos);
    CHECK(last_line(refused.err).find("client certificate") != std::string::npos);
    CHECK(registry.repositories().empty());

    // A client certificate signed by the CA, made with the openssl command-line tool.
    const auto key = host_dir / "client.key", cert = host_dir / "client.cert", csr = work.path() / "client.csr";
    auto r = run_process({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                          "-nodes", "-keyout", key.string(), "-subj", "/CN=lading-test-client", "-out", csr.string()});
    REQUIRE(r.succeeded());
    std::ofstream(work.path() / "ext.cnf") << "extendedKeyUsage=clientAuth\n";
    r = run_process({"openssl", "x509", "-req", "-in", csr.string(), "-CA", ca.ca_certificate().string(), "-CAkey",
                     ca.ca().key.string(), "-CAcreateserial", "-days", "2", "-extfile",
                     (work.path() / "ext.cnf").string(), "-out", cert.string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());

    auto meta = export_ok(req);
    // skopeo takes the same directory layout (ca.crt, client.cert, client.key).
    CHECK(skopeo_digest(registry.address() + "/mtls/app:1", {"--cert-dir", host_dir.string()}) == meta.digest);
}

TEST_CASE("a registry that sends more bytes than a blob's size is cut off with a clear error", "[registry]")
{
    temp_dir work;
    registry_server registry;
    auto tree = work.path() / "base-tree";
    make_small_tree(tree, "base");
    auto base = push_request(work.path(), "type=registry,name=" + registry.address() +
                                              "/lib/base:1,store=false,compression=uncompressed,oci-mediatypes=true");
    base.layers = {tree};
    export_ok(base);

    // The same image under another tag, its manifest claiming the layer is one byte shorter.
    const std::string manifest_url = "http://" + registry.address() + "/v2/lib/base/manifests/";
    auto got = run_process({"curl", "-sf", "-H", "Accept: application/vnd.oci.image.manifest.v1+json", manifest_url + "1"});
    REQUIRE(got.succeeded());
    auto manifest = boost::json::parse(got.out).as_object();
    auto& layer = manifest["layers"].as_array()[0].as_object();
    layer["size"] = layer["size"].to_number<std::int64_t>() - 1;
    process_options put;
    put.argv = {"curl", "-sf", "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json",
                "--data-binary", "@-", manifest_url + "short"};
    put.stdin_data = boost::json::serialize(manifest);
    REQUIRE(run_process(put).succeeded());

    auto derived = push_request(work.path(), "type=image,name=derived:1,oci-mediatypes=true");
    derived.extra_args = {"--from", registry.address() + "/lib/base:short"};
    auto r = run_export(derived);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    CHECK(last_line(r.err).find("is longer than") != std::string::npos);
    CHECK(last_line(r.err).find(std::string(layer["digest"].as_string())) != std::string::npos);
    auto index = boost::json::parse(read_text_file(work.path() / "store" / "index.json"));
    CHECK(index.at("manifests").as_array().empty());  // no name was bound
}

TEST_CASE("a base layer whose mount the registry declines is fetched from the base and uploaded", "[registry]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    auto base = push_request(work.path(), "type=registry,name=" + proxy.address() + "/lib/base:1,oci-mediatypes=true");
    export_ok(base);

    // The registry sees every mount as a plain upload start and answers 202 with an upload
    // Location, as the distribution spec allows a registry that will not mount.
    proxy.strip_query("POST", "/blobs/uploads/$", 100);
    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=registry,name=" + proxy.address() + "/app/derived:1,store=false,oci-mediatypes=true");
    derived.layers = {top};
    derived.extra_args = {"--from", proxy.address() + "/lib/base:1"};
    auto meta = export_ok(derived);

    bool declined = false;
    for (const auto& r : proxy.requests())
        if (r.outcome == fault_outcome::rewritten && r.target.find("mount=") != std::string::npos) declined = true;
    CHECK(declined);
    CHECK(skopeo_digest(registry.address() + "/app/derived:1", {"--tls-verify=false"}) == meta.digest);
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "docker://" + registry.address() + "/app/derived:1",
                             "dir:" + (work.path() / "copy").string()});
    INFO(copy.describe());
    CHECK(copy.exit_code == 0);  // every blob, the base layer included, read back and verified
}

TEST_CASE("a base layer whose mount is refused with 401 insufficient_scope is uploaded", "[registry]")
{
    // A Bearer registry answers a mount without pull rights on `from` with 401 and an
    // insufficient_scope challenge, and again after a fresh token. The proxy answers every
    // mount into app/derived so; the push goes on as for a declined mount.
    temp_dir work;
    test_ca ca(work.path() / "pki");
    token_server tokens(robot_tokens(ca));
    registry_server registry({.token = token_auth_for(tokens, ca)});
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto docker_config = write_docker_config(work.path() / "docker", proxy.address(), "robot", "tok-pw");
    auto base = push_request(work.path(), "type=registry,name=" + proxy.address() + "/lib/base:1,oci-mediatypes=true");
    base.env["DOCKER_CONFIG"] = docker_config.string();
    export_ok(base);

    const auto challenge = "Bearer realm=\"" + tokens.realm() + "\",service=\"" + tokens.service() +
                           "\",scope=\"repository:lib/base:pull\",error=\"insufficient_scope\"";
    proxy.answer_if_query("POST", "^/v2/app/derived/blobs/uploads/$", "mount=", 100,
                          {401, {{"WWW-Authenticate", challenge}},
                           R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"});
    auto top = work.path() / "top";
    make_small_tree(top, "top");
    auto derived = push_request(work.path(), "type=registry,name=" + proxy.address() + "/app/derived:1,store=false,oci-mediatypes=true");
    derived.layers = {top};
    derived.extra_args = {"--from", proxy.address() + "/lib/base:1"};
    derived.env["DOCKER_CONFIG"] = docker_config.string();
    auto meta = export_ok(derived);

    std::size_t refused = 0;
    for (const auto& r : proxy.requests())
        if (r.outcome == fault_outcome::answered && r.target.find("mount=") != std::string::npos) ++refused;
    CHECK(refused >= 2);  // the mount, and its repeat with a fresh token
    const auto ref = registry.address() + "/app/derived:1";
    CHECK(skopeo_digest(ref, {"--tls-verify=false", "--creds", "robot:tok-pw"}) == meta.digest);
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "--src-creds", "robot:tok-pw",
                             "docker://" + ref, "dir:" + (work.path() / "copy").string()});
    INFO(copy.describe());
    CHECK(copy.exit_code == 0);  // every blob, the base layer included, read back and verified
}

namespace {

void write_helper(const fs::path& file, const std::string& script)
{
    std::ofstream(file) << "#!/bin/sh\n" << script;
    fs::permissions(file, fs::perms::owner_all);
}

// Neither running nor waiting to be reaped by anyone but init.
bool process_gone(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

}  // namespace

TEST_CASE("a credential helper that exits early or never answers cannot kill or hang lading", "[registry]")
{
    temp_dir work;
    registry_server registry;
    auto bin = work.path() / "bin";
    fs::create_directories(bin);
    auto docker_config = work.path() / "docker";
    fs::create_directories(docker_config);
    const auto path = bin.string() + ":" + std::getenv("PATH");

    SECTION("a helper that exits without reading its stdin")
    {
        write_helper(bin / "docker-credential-early", "exec 0<&-\nexit 3\n");
        std::ofstream(docker_config / "config.json") << R"({"credsStore":"early"})";
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/early/app:1");
        req.env["DOCKER_CONFIG"] = docker_config.string();
        req.env["PATH"] = path;
        auto r = run_export(req);
        INFO(r.describe());
        CHECK(r.term_signal == 0);
        CHECK(r.exit_code == 1);
        CHECK(last_line(r.err).starts_with("lading: "));
        CHECK(last_line(r.err).find("credential helper docker-credential-early failed for " + registry.address() +
                                    " (exit status 3)") != std::string::npos);

        // A login request bigger than a pipe holds: lading is still writing it when the
        // helper is gone, which raises SIGPIPE unless lading is ready for it.
        write_helper(bin / "docker-credential-early",
                     "[ \"$1\" = get ] && { echo 'credentials not found in native keychain'; exit 1; }\nexec 0<&-\nexit 3\n");
        auto opts = lading_cmd().options({"login", registry.address(), "-u", "someone", "--password-stdin"},
                                         {{"DOCKER_CONFIG", docker_config.string()}, {"PATH", path}});
        opts.stdin_data = std::string(256 << 10, 'p') + "\n";
        auto login = run_process(opts);
        INFO(login.describe());
        CHECK(login.term_signal == 0);
        CHECK(login.exit_code == 1);
        CHECK(last_line(login.err).starts_with("lading: "));
        CHECK(last_line(login.err).find("credential helper docker-credential-early could not store the login (exit status 3)") !=
              std::string::npos);
    }
    SECTION("a helper that never answers is stopped with everything it started")
    {
        auto pids = work.path() / "helper.pids";
        write_helper(bin / "docker-credential-stuck",
                     "sleep 1000 &\necho $! > '" + pids.string() + "'\necho $$ >> '" + pids.string() + "'\nwait\n");
        std::ofstream(docker_config / "config.json") << R"({"credsStore":"stuck"})";
        auto req = push_request(work.path(), "type=registry,name=" + registry.address() + "/stuck/app:1");
        req.env["DOCKER_CONFIG"] = docker_config.string();
        req.env["PATH"] = path;
        req.env["LADING_CREDENTIAL_HELPER_TIMEOUT"] = "1";
        auto opts = lading_cmd().options(export_argv(req), req.env, std::chrono::seconds(30));
        auto r = run_process(opts);
        INFO(r.describe());
        CHECK_FALSE(r.timed_out);
        CHECK(r.exit_code == 1);
        CHECK(r.elapsed < std::chrono::seconds(10));
        CHECK(last_line(r.err).starts_with("lading: "));
        CHECK(last_line(r.err).find("credential helper docker-credential-stuck get did not finish within 1 s and was "
                                    "stopped (LADING_CREDENTIAL_HELPER_TIMEOUT sets the limit)") != std::string::npos);
        std::ifstream in(pids);
        pid_t sleeper = 0, helper = 0;
        in >> sleeper >> helper;
        REQUIRE(sleeper > 0);
        REQUIRE(helper > 0);
        // An orphan is reaped by init in its own time: allow it a moment.
        for (int i = 0; i < 50 && !(process_gone(sleeper) && process_gone(helper)); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        CHECK(process_gone(sleeper));
        CHECK(process_gone(helper));
        if (!process_gone(sleeper)) ::kill(sleeper, SIGKILL);
        if (!process_gone(helper)) ::kill(helper, SIGKILL);
    }
}
