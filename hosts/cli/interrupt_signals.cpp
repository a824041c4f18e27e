#include "interrupt_signals.hpp"

#include <lading/error.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace lading::cli {

namespace {

// The write end of the pipe the handler reports signals into: a handler may do little more.
volatile std::sig_atomic_t report_fd = -1;

void on_signal(int sig)
{
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(sig);
    if (report_fd >= 0) (void)!::write(report_fd, &byte, 1);
    errno = saved;
}

[[noreturn]] void die_by(int sig)
{
    std::signal(sig, SIG_DFL);
    ::raise(sig);
    std::_Exit(128 + sig);
}

}  // namespace

interrupt_signals::interrupt_signals(std::chrono::milliseconds grace) : grace_(grace)
{
    if (::pipe2(pipe_, O_CLOEXEC) != 0) throw error("cannot create a pipe for signal handling");
    report_fd = pipe_[1];
    watcher_ = std::thread([this] { watch(); });
    struct sigaction action = {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

interrupt_signals::~interrupt_signals()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    const unsigned char quit = 0;
    (void)!::write(pipe_[1], &quit, 1);
    watcher_.join();
    report_fd = -1;
    ::close(pipe_[0]);
    ::close(pipe_[1]);
}

void interrupt_signals::watch()
{
    int received = 0;
    for (;;) {
        pollfd p{pipe_[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, received ? static_cast<int>(grace_.count()) : -1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) die_by(received);  // the command did not stop in time
        unsigned char byte = 0;
        if (::read(pipe_[0], &byte, 1) != 1) continue;
        if (byte == 0) return;
        if (received) die_by(byte);
        received = byte;
        stop_.request_stop();
    }
}

}  // namespace lading::cli
