// Shortcuts for the store=containerd tests: a private containerd with overlayfs when the
// machine allows it, lading runs pointed at it, and ctr's listings parsed.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/containerd_fixture.hpp"
#include "support.hpp"

namespace lading::test {

// A private containerd and the snapshotter the tests use with it (said once in the output).
struct containerd_daemon {
    containerd_daemon();
    containerd_fixture daemon;
    std::string snapshotter;

    // CONTAINERD_* for lading: this daemon's namespace and snapshotter (the socket goes by --store).
    env_overrides env() const;
    // lading ARGS --store SOCKET with env(), for export, images and inspect alike.
    process_result lading(std::vector<std::string> args, const env_overrides& extra = {}) const;
    // REQUIREs success of a ctr command and returns its stdout.
    std::string ctr_ok(const std::vector<std::string>& args) const;

    // Image name -> target digest (ctr images ls).
    std::map<std::string, std::string> images() const;
    // Blob digest -> its labels (ctr content ls).
    std::map<std::string, std::map<std::string, std::string>> contents() const;
    // Snapshot key -> parent (ctr snapshots ls).
    std::map<std::string, std::string> snapshots() const;
    std::vector<std::string> leases() const;
};

// OCI image-spec chain IDs of diffIDs, bottom first, computed here from the spec's rule.
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);

// The tree of a committed snapshot, mounted read-only (a view) for the object's lifetime.
class mounted_snapshot {
public:
    mounted_snapshot(const containerd_daemon& d, const std::string& chain_id, const std::filesystem::path& at);
    ~mounted_snapshot();
    const std::filesystem::path& path() const { return at_; }

private:
    const containerd_daemon& d_;
    std::filesystem::path at_;
    std::string key_;
    bool mounted_ = false;
};

}  // namespace lading::test
