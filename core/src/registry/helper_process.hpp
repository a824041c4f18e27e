// Runs a docker credential helper (docker-credential-NAME ACTION) with a request on its
// stdin and collects its stdout, so that no helper can kill or hang lading: a helper that
// closes its stdin early does not raise SIGPIPE here, one that does not finish in time is
// killed with everything it started (its own process group) and reaped.
#pragma once

#include <chrono>
#include <string>

namespace lading::registry {

struct helper_result {
    int status;       // exit status; 1 when killed by a signal
    std::string out;  // stdout, at most 1 MiB
};

// $LADING_CREDENTIAL_HELPER_TIMEOUT seconds (default 30).
std::chrono::milliseconds credential_helper_timeout();

// Throws lading::error (one line) when the program cannot be started or runs out of time.
helper_result run_helper_process(const std::string& program, const std::string& action, const std::string& input,
                                 std::chrono::milliseconds timeout);

}  // namespace lading::registry
