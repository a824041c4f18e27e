#include "registry_support.hpp"

#include <catch2/catch.hpp>

#include "common/sha256.hpp"

#include <boost/json.hpp>
#include <lading/formats/base64.hpp>

#include <fstream>
#include <sstream>

namespace lading::test {

export_request small_tree_export(const std::filesystem::path& work, const std::string& output,
                                 const std::string& flavour)
{
    const auto tree = work / (flavour + "-tree");
    if (!std::filesystem::exists(tree)) make_small_tree(tree, flavour);
    export_request req{
        .layers = {tree},
        .outputs = {output},
        .store = work / "store",
        .metadata_file = work / (flavour + "-meta.json"),
        .env = {{"SOURCE_DATE_EPOCH", "1700000000"}},
    };
    return req;
}

token_server_options robot_tokens(const test_ca& ca)
{
    return {.signing = ca.token_signing(),
            .users = {{"robot", "tok-pw"}},
            .grants = {{"robot", {{"*", {"pull", "push"}}}}}};
}

token_auth token_auth_for(const token_server& tokens, const test_ca& ca)
{
    return {.realm = tokens.realm(), .service = tokens.service(), .issuer = tokens.issuer(),
            .root_cert_bundle = ca.ca_certificate()};
}

std::filesystem::path write_docker_config(const std::filesystem::path& dir, const std::string& host,
                                          const std::string& user, const std::string& password)
{
    std::filesystem::create_directories(dir);
    boost::json::object config{{"auths", boost::json::object{{host, boost::json::object{{"auth", formats::base64_encode(user + ":" + password)}}}}}};
    std::ofstream(dir / "config.json") << boost::json::serialize(config);
    return dir;
}

std::string skopeo_digest(const std::string& ref, const std::vector<std::string>& extra)
{
    std::vector<std::string> argv{"skopeo", "inspect"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("docker://" + ref);
    auto r = run_process(argv);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    auto v = boost::json::parse(r.out);
    return std::string(v.at("Digest").as_string());
}

std::string skopeo_raw_digest(const std::string& ref, const std::vector<std::string>& extra)
{
    std::vector<std::string> argv{"skopeo", "inspect", "--raw"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("docker://" + ref);
    auto r = run_process(argv);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    return "sha256:" + sha256_hex(r.out);
}

bool skopeo_finds_manifest(const std::string& ref)
{
    return run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref}).exit_code == 0;
}

void require_skopeo_copy_intact(const std::string& ref, const std::filesystem::path& dir)
{
    auto copy = run_process({"skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "dir:" + dir.string()});
    INFO(copy.describe());
    REQUIRE(copy.exit_code == 0);
}

std::filesystem::path write_ctr_hosts_dir(const std::filesystem::path& dir, const std::string& host,
                                          const std::filesystem::path& ca)
{
    std::filesystem::create_directories(dir / host);
    std::ofstream(dir / host / "hosts.toml") << "server = \"https://" << host << "\"\n\n[host.\"https://" << host
                                             << "\"]\n  ca = \"" << ca.string() << "\"\n";
    return dir;
}

std::string ctr_pull_digest(const containerd_fixture& ctr, const std::string& ref, const std::vector<std::string>& extra)
{
    std::vector<std::string> pull{"images", "pull", "--snapshotter", "native"};
    pull.insert(pull.end(), extra.begin(), extra.end());
    pull.push_back(ref);
    auto r = ctr.ctr(pull);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    auto ls = ctr.ctr({"images", "ls"});
    REQUIRE(ls.exit_code == 0);
    std::istringstream lines(ls.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string name, type, digest;
        fields >> name >> type >> digest;
        if (name == ref) return digest;
    }
    FAIL("ctr images ls does not list " << ref << ":\n" << ls.out);
    return {};
}

}  // namespace lading::test
