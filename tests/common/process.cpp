#include "process.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lading::test {

namespace {

using clock = std::chrono::steady_clock;

std::string errno_text(int err) { return std::strerror(err); }

void ignore_sigpipe_once() {
    static std::once_flag flag;
    // Writing stdin data to a child that exited must give EPIPE, not kill the test runner.
    std::call_once(flag, [] { std::signal(SIGPIPE, SIG_IGN); });
}

struct fd_guard {
    int fd = -1;
    fd_guard() = default;
    explicit fd_guard(int f) : fd(f) {}
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int release() { return std::exchange(fd, -1); }
};

std::map<std::string, std::string> merged_environment(
    const std::map<std::string, std::optional<std::string>>& overrides) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    for (const auto& [k, v] : overrides) {
        if (v)
            env[k] = *v;
        else
            env.erase(k);
    }
    return env;
}

// execvp's lookup, done in the parent so that the child only calls async-signal-safe
// functions and a missing program is reported clearly.
std::string resolve_program(const std::string& name, const std::map<std::string, std::string>& env) {
    if (name.empty()) throw std::runtime_error("empty argv[0]");
    if (name.find('/') != std::string::npos) return name;
    auto it = env.find("PATH");
    std::string path = it != env.end() ? it->second : "/usr/local/bin:/usr/bin:/bin";
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    throw std::runtime_error("program not found in PATH: " + name);
}

}  // namespace

std::string format_command(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        bool plain = !a.empty() && a.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-_./:=@,+%") == std::string::npos;
        if (plain) {
            s += a;
        } else {
            s += '\'';
            for (char c : a) {
                if (c == '\'')
                    s += "'\\''";
                else
                    s += c;
            }
            s += '\'';
        }
    }
    return s;
}

std::string process_result::describe(std::size_t max_output) const {
    // The tail of the output, with control bytes other than newline and tab escaped so that
    // binary output (a tar stream) cannot garble the report.
    auto clip = [max_output](const std::string& text) {
        std::string tail = text.size() <= max_output ? text : "..." + text.substr(text.size() - max_output);
        std::string safe;
        safe.reserve(tail.size());
        static const char digits[] = "0123456789abcdef";
        for (unsigned char c : tail) {
            if (c < 0x20 && c != '\n' && c != '\t') {
                safe += "\\x";
                safe += digits[c >> 4];
                safe += digits[c & 15];
            } else {
                safe += static_cast<char>(c);
            }
        }
        return safe;
    };
    std::ostringstream os;
    os << "command: " << format_command(argv) << "\n";
    if (timed_out)
        os << "status: TIMED OUT after " << elapsed.count() << " ms (killed)\n";
    else if (term_signal != 0)
        os << "status: killed by signal " << term_signal << "\n";
    else
        os << "status: exit " << exit_code << " after " << elapsed.count() << " ms\n";
    os << "stdout:\n" << clip(out) << (out.empty() || out.back() == '\n' ? "" : "\n");
    os << "stderr:\n" << clip(err) << (err.empty() || err.back() == '\n' ? "" : "\n");
    return os.str();
}

struct child_process::state {
    std::vector<std::string> argv;
    pid_t pid = -1;
    clock::time_point started;
    std::chrono::milliseconds timeout{0};
    bool reaped = false;
    int status = 0;
    bool timed_out = false;

    // Output pump: one thread drains stdout/stderr and feeds stdin so that no pipe fills up.
    std::thread pump;
    std::mutex mutex;
    std::string out, err;
    std::atomic<bool> child_gone{false};
    std::atomic<long long> gone_at_ms{0};

    void run_pump(int out_fd, int err_fd, int in_fd, std::string input) {
        fd_guard o(out_fd), e(err_fd), i(in_fd);
        std::size_t written = 0;
        if (i.fd >= 0 && input.empty()) i.reset();
        char buf[65536];
        while (o.fd >= 0 || e.fd >= 0 || i.fd >= 0) {
            pollfd fds[3];
            int n = 0;
            int oi = -1, ei = -1, ii = -1;
            if (o.fd >= 0) { oi = n; fds[n++] = {o.fd, POLLIN, 0}; }
            if (e.fd >= 0) { ei = n; fds[n++] = {e.fd, POLLIN, 0}; }
            if (i.fd >= 0) { ii = n; fds[n++] = {i.fd, POLLOUT, 0}; }
            int r = ::poll(fds, n, 100);
            if (r < 0 && errno != EINTR) break;
            auto drain = [&](int idx, fd_guard& g, std::string& sink) {
                if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
                ssize_t got = ::read(g.fd, buf, sizeof buf);
                if (got > 0) {
                    std::lock_guard lock(mutex);
                    sink.append(buf, static_cast<std::size_t>(got));
                } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                    g.reset();
                }
            };
            if (r > 0) {
                drain(oi, o, out);
                drain(ei, e, err);
                if (ii >= 0 && (fds[ii].revents & (POLLOUT | POLLERR | POLLHUP))) {
                    ssize_t put = ::write(i.fd, input.data() + written, input.size() - written);
                    if (put > 0) written += static_cast<std::size_t>(put);
                    if (put < 0 && errno != EINTR && errno != EAGAIN) i.reset();
                    if (written == input.size()) i.reset();
                }
            }
            // A grandchild may keep the pipes open after the child exited: stop reading
            // two seconds after the child is gone.
            if (child_gone.load()) {
                i.reset();
                auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  clock::now().time_since_epoch())
                                  .count();
                if (now_ms - gone_at_ms.load() > 2000) break;
            }
        }
    }

    bool poll_exit() {
        if (reaped) return true;
        int st = 0;
        pid_t r = ::waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            reaped = true;
            status = st;
            return true;
        }
        if (r < 0 && errno == ECHILD) {  // someone else reaped it; treat as gone
            reaped = true;
            status = 0;
            return true;
        }
        return false;
    }

    void kill_and_reap() {
        if (reaped) return;
        ::kill(pid, SIGKILL);
        int st = 0;
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        reaped = true;
        status = st;
    }

    void finish_pump() {
        gone_at_ms.store(std::chrono::duration_cast<std::chrono::milliseconds>(
                             clock::now().time_since_epoch())
                             .count());
        child_gone.store(true);
        if (pump.joinable()) pump.join();
    }

    process_result result() {
        process_result r;
        r.argv = argv;
        r.timed_out = timed_out;
        r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
        if (WIFEXITED(status)) {
            r.exit_code = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            r.exit_code = -1;
            r.term_signal = WTERMSIG(status);
        }
        std::lock_guard lock(mutex);
        r.out = out;
        r.err = err;
        return r;
    }

    process_result wait_until(clock::time_point deadline) {
        auto pause = std::chrono::milliseconds(2);
        while (!poll_exit()) {
            if (clock::now() >= deadline) {
                timed_out = true;
                kill_and_reap();
                break;
            }
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(50));
        }
        finish_pump();
        return result();
    }
};

child_process::child_process(const process_options& options) : state_(std::make_unique<state>()) {
    ignore_sigpipe_once();
    if (options.argv.empty()) throw std::runtime_error("child_process: empty argv");
    auto env = merged_environment(options.env);
    std::string program = resolve_program(options.argv[0], env);

    // Everything the child needs is prepared here: between fork and exec it only calls
    // async-signal-safe functions.
    std::vector<std::string> env_strings;
    env_strings.reserve(env.size());
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = options.argv;
    std::vector<char*> argvp;
    for (auto& s : argv_copy) argvp.push_back(s.data());
    argvp.push_back(nullptr);
    std::string cwd = options.cwd.string();

    auto make_pipe = [](int fds[2]) {
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2: " + errno_text(errno));
    };
    auto open_out_file = [](const std::filesystem::path& p) {
        int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error("open " + p.string() + ": " + errno_text(errno));
        return fd;
    };

    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1}, exec_pipe[2];
    fd_guard out_r, out_w, err_r, err_w, in_r, in_w, exec_r, exec_w;
    if (options.stdout_file.empty()) {
        make_pipe(out_pipe);
        out_r.fd = out_pipe[0];
        out_w.fd = out_pipe[1];
    } else {
        out_w.fd = open_out_file(options.stdout_file);
    }
    if (options.stderr_file.empty()) {
        make_pipe(err_pipe);
        err_r.fd = err_pipe[0];
        err_w.fd = err_pipe[1];
    } else {
        err_w.fd = open_out_file(options.stderr_file);
    }
    if (options.stdin_data) {
        make_pipe(in_pipe);
        in_r.fd = in_pipe[0];
        in_w.fd = in_pipe[1];
    } else {
        in_r.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    make_pipe(exec_pipe);
    exec_r.fd = exec_pipe[0];
    exec_w.fd = exec_pipe[1];

    state_->argv = options.argv;
    state_->timeout = options.timeout;
    state_->started = clock::now();
    const pid_t parent = ::getpid();
    const bool die_with_parent = options.die_with_parent;
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork: " + errno_text(errno));
    if (pid == 0) {
        // Child.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        if (die_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);  // the parent is already gone
        }
        ::dup2(in_r.fd, 0);
        ::dup2(out_w.fd, 1);
        ::dup2(err_w.fd, 2);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
            int e = errno;
            (void)!::write(exec_w.fd, &e, sizeof e);
            ::_exit(127);
        }
        ::execve(program.c_str(), argvp.data(), envp.data());
        int e = errno;
        (void)!::write(exec_w.fd, &e, sizeof e);
        ::_exit(127);
    }
    state_->pid = pid;
    exec_w.reset();
    out_w.reset();
    err_w.reset();
    in_r.reset();
    int child_errno = 0;
    ssize_t got;
    while ((got = ::read(exec_r.fd, &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
    }
    if (got == sizeof child_errno) {
        int st;
        ::waitpid(pid, &st, 0);
        state_->reaped = true;
        throw std::runtime_error("cannot start " + format_command(options.argv) + ": " +
                                 errno_text(child_errno));
    }
    if (in_w.fd >= 0) ::fcntl(in_w.fd, F_SETFL, O_NONBLOCK);
    state_->pump = std::thread(&state::run_pump, state_.get(), out_r.release(), err_r.release(),
                               in_w.release(), options.stdin_data.value_or(std::string()));
}

child_process::~child_process() {
    if (!state_) return;
    if (state_->pid > 0 && !state_->reaped) state_->kill_and_reap();
    state_->finish_pump();
}

child_process::child_process(child_process&&) noexcept = default;
child_process& child_process::operator=(child_process&& other) noexcept {
    if (this != &other) {
        if (state_) {
            if (state_->pid > 0 && !state_->reaped) state_->kill_and_reap();
            state_->finish_pump();
        }
        state_ = std::move(other.state_);
    }
    return *this;
}

pid_t child_process::pid() const { return state_ ? state_->pid : -1; }

bool child_process::running() { return state_ && !state_->poll_exit(); }

void child_process::send_signal(int sig) {
    if (state_ && !state_->poll_exit()) ::kill(state_->pid, sig);
}

process_result child_process::wait() { return state_->wait_until(state_->started + state_->timeout); }

process_result child_process::wait_for(std::chrono::milliseconds limit) {
    return state_->wait_until(clock::now() + limit);
}

process_result child_process::stop(std::chrono::milliseconds grace) {
    send_signal(SIGTERM);
    auto r = state_->wait_until(clock::now() + grace);
    // wait_until reports a SIGKILL after the grace period as a timeout; keep that visible.
    return r;
}

process_result run_process(const process_options& options) {
    try {
        child_process child(options);
        return child.wait();
    } catch (const std::runtime_error& e) {
        process_result r;
        r.argv = options.argv;
        r.exit_code = 127;
        r.err = e.what();
        return r;
    }
}

process_result run_process(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
    process_options options;
    options.argv = std::move(argv);
    options.timeout = timeout;
    return run_process(options);
}

}  // namespace lading::test
