#include "containerd_support.hpp"

#include <catch2/catch.hpp>

#include <sstream>

#include <sys/mount.h>

#include "common/sha256.hpp"

namespace lading::test {

namespace {
std::vector<std::string> words(const std::string& line)
{
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, sep)) out.push_back(part);
    return out;
}

// Data lines of a ctr table (the header dropped).
std::vector<std::string> table_rows(const std::string& out)
{
    auto lines = split_lines(out);
    if (!lines.empty()) lines.erase(lines.begin());
    return lines;
}
}  // namespace

containerd_daemon::containerd_daemon() : daemon(std::chrono::seconds(30), true), snapshotter(daemon.usable_snapshotter())
{
    static bool said = false;
    if (!said) WARN("containerd snapshotter used by these tests: " << snapshotter);
    said = true;
}

env_overrides containerd_daemon::env() const
{
    auto e = lading_cli::hermetic_env();
    e["CONTAINERD_ADDRESS"] = std::nullopt;
    e["CONTAINERD_NAMESPACE"] = daemon.namespace_name();
    e["CONTAINERD_SNAPSHOTTER"] = snapshotter;
    return e;
}

process_result containerd_daemon::lading(std::vector<std::string> args, const env_overrides& extra) const
{
    args.insert(args.end(), {"--store", daemon.socket().string()});
    auto e = env();
    for (const auto& [k, v] : extra) e[k] = v;
    return lading_cmd().run(args, e);
}

std::string containerd_daemon::ctr_ok(const std::vector<std::string>& args) const
{
    auto r = daemon.ctr(args);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return r.out;
}

std::map<std::string, std::string> containerd_daemon::images() const
{
    std::map<std::string, std::string> out;
    for (const auto& row : table_rows(ctr_ok({"images", "ls"})))
        if (auto w = words(row); w.size() >= 3) out[w[0]] = w[2];
    return out;
}

std::map<std::string, std::map<std::string, std::string>> containerd_daemon::contents() const
{
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const auto& row : table_rows(ctr_ok({"content", "ls"}))) {
        auto cols = split(row, '\t');
        if (cols.empty()) continue;
        auto& labels = out[cols.front()];
        if (cols.size() < 4 || cols.back() == "-") continue;
        for (const auto& kv : split(cols.back(), ','))
            if (auto eq = kv.find('='); eq != std::string::npos) labels[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return out;
}

std::map<std::string, std::string> containerd_daemon::snapshots() const
{
    std::map<std::string, std::string> out;
    for (const auto& row : table_rows(ctr_ok({"snapshots", "--snapshotter", snapshotter, "ls"}))) {
        auto w = words(row);
        if (w.size() == 3) out[w[0]] = w[1];
        else if (w.size() == 2) out[w[0]] = "";
    }
    return out;
}

std::vector<std::string> containerd_daemon::leases() const { return split_lines(ctr_ok({"leases", "ls", "-q"})); }

std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids)
{
    std::vector<std::string> chain;
    for (const auto& d : diff_ids)
        chain.push_back(chain.empty() ? d : "sha256:" + sha256_hex(chain.back() + " " + d));
    return chain;
}

mounted_snapshot::mounted_snapshot(const containerd_daemon& d, const std::string& chain_id, const std::filesystem::path& at)
    : d_(d), at_(at), key_("lading-test-view-" + chain_id.substr(7, 12))
{
    std::filesystem::create_directories(at_);
    d_.ctr_ok({"snapshots", "--snapshotter", d_.snapshotter, "view", key_, chain_id});
    // "mount -t TYPE SOURCE TARGET -o OPTIONS"
    auto w = words(d_.ctr_ok({"snapshots", "--snapshotter", d_.snapshotter, "mounts", at_.string(), key_}));
    INFO("ctr snapshots mounts said: " << format_command(w));
    REQUIRE(w.size() >= 5);
    REQUIRE(w[0] == "mount");
    std::vector<std::string> argv = w;
    if (w[2] == "bind") argv = {"mount", "--rbind", w[3], w[4]};  // the native snapshotter
    auto r = run_process(argv);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    mounted_ = true;
}

mounted_snapshot::~mounted_snapshot()
{
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
    (void)d_.daemon.ctr({"snapshots", "--snapshotter", d_.snapshotter, "rm", key_});
}

}  // namespace lading::test
