// SIGINT and SIGTERM belong to the lading command, not to the library: while an
// interrupt_signals lives, the first of them asks the running command to stop (token()):
// a registry push ends at once, cleans up and the command exits 1 naming the
// interruption. A command still running `grace` later (a stage that does not take stop
// requests, such as building layers) or a second signal ends lading by that signal, as if
// no handler had been installed.
#pragma once

#include <chrono>
#include <stop_token>
#include <thread>

namespace lading::cli {

class interrupt_signals {
public:
    explicit interrupt_signals(std::chrono::milliseconds grace = std::chrono::seconds(2));
    ~interrupt_signals();
    interrupt_signals(const interrupt_signals&) = delete;
    interrupt_signals& operator=(const interrupt_signals&) = delete;

    std::stop_token token() const { return stop_.get_token(); }

private:
    void watch();

    std::chrono::milliseconds grace_;
    std::stop_source stop_;
    int pipe_[2] = {-1, -1};
    std::thread watcher_;
};

}  // namespace lading::cli
