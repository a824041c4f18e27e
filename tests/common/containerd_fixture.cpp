#include "containerd_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "required_tool.hpp"

namespace lading::test {

namespace fs = std::filesystem;

namespace {

// Unix socket paths are limited to 108 bytes: keep the directory short.
temp_dir make_short_dir() {
    temp_dir d("lading-ctrd-");
    if ((d.path() / "containerd.sock.ttrpc").native().size() < 100) return d;
    return temp_dir(fs::path("/tmp"), "lading-ctrd-");
}

child_process start_server(const fs::path& config, const fs::path& log) {
    for (const auto& t : {tools::containerd, tools::ctr})
        if (!find_program(t.program)) throw std::runtime_error(missing_tool_message(t));
    process_options o;
    o.argv = {"containerd", "--config", config.string()};
    o.stdout_file = log;
    o.stderr_file = log;
    o.timeout = std::chrono::hours(24);  // a server: stopped explicitly
    return child_process(o);
}

fs::path write_config(const fs::path& dir, const fs::path& root, const fs::path& state,
                      const fs::path& socket, bool with_overlayfs) {
    fs::path config = dir / "config.toml";
    std::ofstream f(config);
    f << "version = 2\n"
      << "root = \"" << root.string() << "\"\n"
      << "state = \"" << state.string() << "\"\n"
      << "disabled_plugins = [\n"
      << "  \"io.containerd.grpc.v1.cri\",\n"
      << "  \"io.containerd.snapshotter.v1.aufs\",\n"
      << "  \"io.containerd.snapshotter.v1.btrfs\",\n"
      << "  \"io.containerd.snapshotter.v1.devmapper\",\n"
      << "  \"io.containerd.snapshotter.v1.zfs\",\n"
      << (with_overlayfs ? "" : "  \"io.containerd.snapshotter.v1.overlayfs\",\n")
      << "  \"io.containerd.internal.v1.tracing\",\n"
      << "]\n"
      << "[grpc]\n"
      << "  address = \"" << socket.string() << "\"\n"
      << "[ttrpc]\n"
      << "  address = \"" << socket.string() << ".ttrpc\"\n"
      << "[debug]\n"
      << "  address = \"\"\n"
      << "[metrics]\n"
      << "  address = \"\"\n"
      << "[plugins]\n"
      << "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
      << "    path = \"" << (dir / "opt").string() << "\"\n";
    if (!f.flush()) throw std::runtime_error("cannot write " + config.string());
    return config;
}

}  // namespace

containerd_fixture::containerd_fixture(std::chrono::seconds startup_timeout, bool with_overlayfs)
    : dir_(make_short_dir()),
      socket_(dir_.path() / "containerd.sock"),
      root_(dir_.path() / "root"),
      state_(dir_.path() / "state"),
      log_(dir_.path() / "containerd.log"),
      server_(start_server(write_config(dir_.path(), root_, state_, socket_, with_overlayfs), log_)) {
    auto deadline = std::chrono::steady_clock::now() + startup_timeout;
    std::string last;
    for (;;) {
        if (!server_.running()) {
            auto r = server_.wait_for(std::chrono::seconds(1));
            stopped_ = true;
            throw std::runtime_error("containerd exited during startup (" + r.describe(0) +
                                     ") log:\n" + log_tail());
        }
        std::error_code ec;
        if (fs::exists(socket_, ec)) {
            auto r = ctr({"version"}, std::chrono::seconds(10));
            if (r.succeeded()) break;
            last = r.describe(1000);
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("containerd did not answer within " +
                                     std::to_string(startup_timeout.count()) + " s; last ctr: " + last +
                                     "\nlog:\n" + log_tail());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

containerd_fixture::~containerd_fixture() { stop(); }

void containerd_fixture::stop() {
    if (stopped_) return;
    stopped_ = true;
    server_.stop(std::chrono::seconds(10));  // SIGTERM, then SIGKILL after 10 s
}

std::vector<std::string> containerd_fixture::ctr_argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"ctr", "-a", socket_.string(), "-n", namespace_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

process_result containerd_fixture::ctr(const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout) const {
    return run_process(ctr_argv(args), timeout);
}

std::string containerd_fixture::usable_snapshotter() const {
    auto r = ctr({"plugins", "ls"}, std::chrono::seconds(30));
    if (!r.succeeded()) throw std::runtime_error("ctr plugins ls failed:\n" + r.describe());
    std::istringstream lines(r.out);
    std::string type, id;
    while (lines >> type >> id) {
        std::string rest;
        std::getline(lines, rest);
        if (type == "io.containerd.snapshotter.v1" && id == "overlayfs" && rest.find(" ok") != std::string::npos)
            return "overlayfs";
    }
    return "native";
}

std::string containerd_fixture::image_check_line(const std::string& full_name) const {
    auto r = ctr({"images", "check", "--snapshotter", "native"}, std::chrono::minutes(1));
    if (!r.succeeded()) throw std::runtime_error("ctr images check failed:\n" + r.describe());
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line))
        if (line.rfind(full_name + " ", 0) == 0) return line.substr(0, line.find_last_not_of(' ') + 1);
    return {};
}

std::string containerd_fixture::log_tail(std::size_t bytes) const {
    std::ifstream f(log_, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

}  // namespace lading::test
