#include "mirror_fixture.hpp"

#include "common/lading_cli.hpp"
#include "support.hpp"
#include "common/random_data.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace lading::test {

namespace json = boost::json;

std::filesystem::path lading_binary() { return LADING_BINARY; }
std::filesystem::path mirror_binary() { return LADING_MIRROR_BINARY; }

namespace {

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

pushed_image push_image(const std::filesystem::path& work, const std::string& registry, const std::string& reference,
                        const std::vector<std::uint64_t>& layer_sizes, std::uint64_t seed,
                        const std::filesystem::path& docker_config)
{
    export_request req;
    for (std::size_t i = 0; i < layer_sizes.size(); ++i) {
        auto dir = work / ("layer-" + std::to_string(seed) + "-" + std::to_string(i));
        std::filesystem::create_directories(dir);
        write_random_file(dir / "data.bin", layer_sizes[i], seed * 100 + i);
        req.layers.push_back(dir);
    }
    req.outputs = {"type=registry,name=" + registry + "/" + reference + ",compression=uncompressed"};
    req.store = work / "export-store";
    req.metadata_file = work / ("meta-" + std::to_string(seed) + ".json");
    req.env = {{"SOURCE_DATE_EPOCH", "1700000000"}};
    if (!docker_config.empty()) req.env["DOCKER_CONFIG"] = docker_config.string();
    auto meta = req.metadata_file;
    export_ok(req);
    pushed_image image;
    image.manifest_digest = std::string(json::parse(read_file(meta)).at("containerimage.digest").as_string());
    // The manifest as the registry serves it names the config and layers.
    auto colon = reference.rfind(':');
    auto repo = reference.substr(0, colon);
    std::vector<std::string> inspect{"skopeo", "inspect", "--raw", "--tls-verify=false"};
    if (!docker_config.empty()) inspect.insert(inspect.end(), {"--authfile", (docker_config / "config.json").string()});
    inspect.push_back("docker://" + registry + "/" + repo + "@" + image.manifest_digest);
    auto m = run_process(inspect, std::chrono::minutes(1));
    INFO(m.describe());
    REQUIRE(m.succeeded());
    auto doc = json::parse(m.out);
    image.config_digest = std::string(doc.at("config").at("digest").as_string());
    image.sizes[image.config_digest] = static_cast<std::uint64_t>(doc.at("config").at("size").as_int64());
    for (const auto& l : doc.at("layers").as_array()) {
        auto d = std::string(l.at("digest").as_string());
        image.layer_digests.push_back(d);
        image.sizes[d] = static_cast<std::uint64_t>(l.at("size").as_int64());
    }
    return image;
}

counted_upstream::counted_upstream(registry_options options)
    : registry_(std::move(options)), proxy_("127.0.0.1", registry_.port())
{
}

std::size_t counted_upstream::requests(const std::string& method, const std::string& path_part) const
{
    std::size_t n = 0;
    for (const auto& r : proxy_.requests())
        if (r.method == method && r.target.find(path_part) != std::string::npos) ++n;
    return n;
}

mirror_process::mirror_process(const std::filesystem::path& cache, mirror_launch launch) : logs_("lading-mirror-log-")
{
    std::vector<std::string> argv = launch.prefix;
    argv.insert(argv.end(), {mirror_binary().string(), "--listen", "127.0.0.1:0", "--cache", cache.string()});
    argv.insert(argv.end(), launch.args.begin(), launch.args.end());
    process_options o;
    o.argv = argv;
    o.env = lading_cli::hermetic_env();
    o.env["LADING_REGISTRY_RETRY_DELAY_MS"] = "50";
    for (auto& [k, v] : launch.env) o.env[k] = v;
    o.stderr_file = logs_ / "stderr.log";
    o.stdout_file = logs_ / "stdout.log";
    o.timeout = std::chrono::minutes(10);
    process_.emplace(o);
    const std::regex serving("serving on 127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
        std::smatch m;
        auto text = read_file(logs_ / "stderr.log");
        if (std::regex_search(text, m, serving)) port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
        else if (!process_->running()) break;
        else std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (port_ == 0) throw std::runtime_error("lading-mirror did not start:\n" + read_file(logs_ / "stderr.log"));
}

mirror_process::~mirror_process()
{
    if (process_ && process_->running()) process_->stop(std::chrono::seconds(5));
}

std::string mirror_process::log() const { return read_file(logs_.path() / "stderr.log"); }

process_result mirror_process::stop() { return process_->stop(std::chrono::seconds(30)); }

void mirror_process::kill9()
{
    process_->send_signal(SIGKILL);
    process_->wait_for(std::chrono::seconds(10));
}

void wait_until(const std::function<bool()>& condition, const char* what)
{
    for (int i = 0; i < 400; ++i) {
        if (condition()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("timed out waiting until " << what);
}

std::string error_code_of(const http_response& r)
{
    return std::string(json::parse(r.body()).at("errors").as_array().at(0).at("code").as_string());
}

std::uint64_t metric(const std::string& mirror_url, const std::string& name)
{
    auto r = http_fetch(boost::beast::http::verb::get, mirror_url + "/metrics");
    REQUIRE(r.result_int() == 200);
    std::istringstream lines(r.body());
    std::string line;
    while (std::getline(lines, line))
        if (line.rfind(name + " ", 0) == 0) return std::stoull(line.substr(name.size() + 1));
    FAIL("no metric " << name << " in\n" << r.body());
    return 0;
}

std::string require_clean_cache(const std::filesystem::path& cache)
{
    lading_cli cli(lading_binary());
    auto r = cli.run({"store", "check", "--store", cache.string()});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.find(" 0 faults") != std::string::npos);
    return r.out;
}

std::filesystem::path write_mirror_hosts_dir(const std::filesystem::path& dir, const std::string& upstream,
                                             const std::string& mirror)
{
    std::filesystem::create_directories(dir / upstream);
    std::ofstream(dir / upstream / "hosts.toml") << "server = \"http://" << upstream << "\"\n\n[host.\"http://" << mirror
                                                 << "\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
    return dir;
}

void skopeo_pull(const std::string& ref, const std::filesystem::path& dir, const std::vector<std::string>& extra)
{
    std::vector<std::string> argv{"skopeo", "copy", "--src-tls-verify=false"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"docker://" + ref, "oci:" + dir.string() + ":latest"});
    auto r = run_process(argv, std::chrono::minutes(3));
    INFO(r.describe());
    REQUIRE(r.succeeded());
}

}  // namespace lading::test
