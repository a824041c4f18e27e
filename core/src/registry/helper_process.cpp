#include "helper_process.hpp"

#include <lading/error.hpp>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lading::registry {

namespace {

constexpr std::size_t output_limit = 1 << 20;

class pipe_pair {
public:
    pipe_pair()
    {
        if (::pipe2(fds_, O_CLOEXEC) != 0) throw error("cannot run a credential helper: pipe failed");
    }
    ~pipe_pair()
    {
        close_read();
        close_write();
    }
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    void close_read() { close_fd(fds_[0]); }
    void close_write() { close_fd(fds_[1]); }

private:
    static void close_fd(int& fd)
    {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int fds_[2] = {-1, -1};
};

// Writes to a pipe whose reader may be gone with SIGPIPE blocked in this thread, so that the
// write fails with EPIPE instead of killing the process; a SIGPIPE it raised is discarded.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size)
{
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE);
    ssize_t n = ::write(fd, data, size);
    const int saved_errno = errno;
    if (n < 0 && saved_errno == EPIPE && !was_pending) {
        timespec no_wait{0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = saved_errno;
    return n;
}

pid_t spawn(const std::string& program, const std::string& action, const pipe_pair& in, const pipe_pair& out)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in.read_end(), 0);
    posix_spawn_file_actions_adddup2(&fa, out.write_end(), 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so that a timeout can stop whatever the helper started too;
    // default signal handling and an empty mask whatever lading's own are.
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::string program_arg = program, action_arg = action;
    char* argv[] = {program_arg.data(), action_arg.data(), nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, program.c_str(), &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        throw error("credential helper " + program + " is configured but cannot be run; install it or fix config.json");
    return pid;
}

int exit_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 1; }

}  // namespace

std::chrono::milliseconds credential_helper_timeout()
{
    const char* text = std::getenv("LADING_CREDENTIAL_HELPER_TIMEOUT");
    if (!text || !*text) return std::chrono::seconds(30);
    double seconds = 0;
    std::string_view v(text);
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc() || end != v.data() + v.size() || !(seconds > 0) || seconds > 24 * 3600)
        throw error("LADING_CREDENTIAL_HELPER_TIMEOUT must be a number of seconds greater than 0, not \"" +
                    std::string(v) + "\"");
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

helper_result run_helper_process(const std::string& program, const std::string& action, const std::string& input,
                                 std::chrono::milliseconds timeout)
{
    pipe_pair in, out;
    const pid_t pid = spawn(program, action, in, out);
    in.close_read();
    out.close_write();
    ::fcntl(in.write_end(), F_SETFL, O_NONBLOCK);

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left_ms = [&] {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        return static_cast<int>(std::max<long long>(0, left.count()));
    };
    std::size_t written = 0;
    if (input.empty()) in.close_write();
    std::string collected;
    bool output_done = false;
    int status = 0;
    bool exited = false;
    // Feed stdin and drain stdout until the helper closed its stdout and exited, or time is up.
    while (!exited) {
        if (output_done) {
            // The helper closed its stdout: wait for it to exit, polling the deadline.
            pid_t r = ::waitpid(pid, &status, WNOHANG);
            if (r == pid) {
                exited = true;
                break;
            }
            if (left_ms() == 0) break;
            ::poll(nullptr, 0, std::min(left_ms(), 20));
            continue;
        }
        pollfd fds[2];
        nfds_t n = 0;
        fds[n++] = {out.read_end(), POLLIN, 0};
        if (in.write_end() >= 0) fds[n++] = {in.write_end(), POLLOUT, 0};
        int ready = ::poll(fds, n, left_ms());
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;  // time is up
        if (n == 2 && fds[1].revents) {
            ssize_t w = write_without_sigpipe(in.write_end(), input.data() + written, input.size() - written);
            if (w > 0) written += static_cast<std::size_t>(w);
            // A helper that stops reading (EPIPE) answers from what it has, as docker lets it.
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) in.close_write();
        }
        if (fds[0].revents) {
            char buf[4096];
            ssize_t r = ::read(out.read_end(), buf, sizeof buf);
            if (r > 0 && collected.size() < output_limit) collected.append(buf, static_cast<std::size_t>(r));
            else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) output_done = true;
        }
    }
    if (!exited) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        auto secs = std::chrono::duration<double>(timeout).count();
        char text[32];
        std::snprintf(text, sizeof text, "%g", secs);
        throw error("credential helper " + program + " " + action + " did not finish within " + text +
                    " s and was stopped (LADING_CREDENTIAL_HELPER_TIMEOUT sets the limit)");
    }
    return {exit_status(status), std::move(collected)};
}

}  // namespace lading::registry
