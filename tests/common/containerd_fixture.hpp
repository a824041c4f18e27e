// A private containerd: its own config, root, state and gRPC socket under a temp dir, CRI
// and the kernel-dependent snapshotters disabled. Started in the constructor (which waits
// until `ctr version` answers), stopped by PID in the destructor (SIGTERM, then SIGKILL).
// ctr talks to it with `-a SOCKET -n lading-test`.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace lading::test {

class containerd_fixture {
public:
    // Throws std::runtime_error (naming the Debian package if containerd/ctr is missing, or
    // quoting the end of containerd's log if it does not come up).
    explicit containerd_fixture(std::chrono::seconds startup_timeout = std::chrono::seconds(30),
                                bool with_overlayfs = false);
    ~containerd_fixture();
    containerd_fixture(const containerd_fixture&) = delete;
    containerd_fixture& operator=(const containerd_fixture&) = delete;

    const std::filesystem::path& socket() const { return socket_; }
    const std::filesystem::path& root_dir() const { return root_; }
    const std::string& namespace_name() const { return namespace_; }
    pid_t pid() const { return server_.pid(); }

    // {"ctr", "-a", SOCKET, "-n", NAMESPACE, args...}
    std::vector<std::string> ctr_argv(const std::vector<std::string>& args) const;
    process_result ctr(const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout = std::chrono::minutes(5)) const;

    // "overlayfs" when it was asked for and containerd's overlayfs plugin loaded, else "native".
    std::string usable_snapshotter() const;

    // The `ctr images check` line of one image (by its full name), trailing blanks removed;
    // "" when the image is not listed. Throws std::runtime_error when ctr fails.
    std::string image_check_line(const std::string& full_name) const;

    std::string log_tail(std::size_t bytes = 3000) const;
    bool running() { return server_.running(); }
    // Stops the server now (idempotent); the destructor calls it.
    void stop();

private:
    temp_dir dir_;
    std::filesystem::path socket_, root_, state_, log_;
    std::string namespace_ = "lading-test";
    child_process server_;
    bool stopped_ = false;
};

}  // namespace lading::test
