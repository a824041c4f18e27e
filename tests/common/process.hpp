// Runs a program with an argv (no shell), captures stdout/stderr and the exit status, and
// kills it when a deadline passes. child_process is the running form (for servers and for
// processes a test kills on purpose); run_process is the run-to-completion shortcut.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace lading::test {

inline constexpr std::chrono::milliseconds default_process_timeout{std::chrono::minutes(5)};

struct process_options {
    std::vector<std::string> argv;  // argv[0] is looked up in PATH (execvp rules)
    // Environment overrides on top of the current environment; nullopt removes the variable.
    std::map<std::string, std::optional<std::string>> env;
    std::filesystem::path cwd;  // empty: inherit
    std::optional<std::string> stdin_data;  // nullopt: stdin is /dev/null
    // When set, the stream goes to this file (created/truncated) instead of being captured.
    std::filesystem::path stdout_file;
    std::filesystem::path stderr_file;
    std::chrono::milliseconds timeout = default_process_timeout;
    // SIGKILL the process if the test runner dies first (PR_SET_PDEATHSIG), so that a test
    // run killed by a CI timeout leaves no servers or exports behind. (Linux ties this to the
    // thread that started the child: start children from the test thread.)
    bool die_with_parent = true;
};

struct process_result {
    std::vector<std::string> argv;
    int exit_code = -1;      // -1 when the process was ended by a signal
    int term_signal = 0;     // the signal that ended it, 0 if it exited
    bool timed_out = false;  // we killed it because the deadline passed
    std::chrono::milliseconds elapsed{0};
    std::string out;
    std::string err;

    bool succeeded() const { return exit_code == 0 && !timed_out; }
    // Multi-line description (command, status, captured output) for failure messages.
    std::string describe(std::size_t max_output = 4000) const;
};

class child_process {
public:
    // Starts the process. Throws std::runtime_error when it cannot be started (for example
    // the program is not in PATH); the message names the program.
    explicit child_process(const process_options& options);
    ~child_process();  // SIGKILLs and reaps the process if it is still running
    child_process(child_process&&) noexcept;
    child_process& operator=(child_process&&) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const;
    // True while the process has not exited (reaps it if it just did).
    bool running();
    // Sends a signal to this process only (not to its group).
    void send_signal(int sig);
    // Waits until the process exits or the options' timeout (counted from the start) passes;
    // on timeout sends SIGKILL and reports timed_out. Collects the captured output.
    process_result wait();
    // Like wait(), but with its own limit counted from now.
    process_result wait_for(std::chrono::milliseconds limit);
    // SIGTERM, up to `grace` to exit, then SIGKILL. Returns the result.
    process_result stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    struct state;
    std::unique_ptr<state> state_;
};

process_result run_process(const process_options& options);
process_result run_process(std::vector<std::string> argv,
                           std::chrono::milliseconds timeout = default_process_timeout);

// Quote an argv for display (shell-like, not for execution).
std::string format_command(const std::vector<std::string>& argv);

}  // namespace lading::test
