#include "progress_printer.hpp"

#include <lading/error.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <unistd.h>

namespace lading::cli {

namespace {
std::string human_bytes(double b)
{
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1000 && u < 4) {
        b /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    return buf;
}

const char* outcome_text(progress_listener::blob_push_outcome how)
{
    switch (how) {
    case progress_listener::blob_push_outcome::uploaded: return "uploaded";
    case progress_listener::blob_push_outcome::mounted: return "mounted";
    case progress_listener::blob_push_outcome::already_there: return "already there";
    }
    return "done";
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

progress_mode parse_progress_mode(const std::string& text)
{
    if (text == "auto") return ::isatty(STDERR_FILENO) ? progress_mode::tty : progress_mode::plain;
    if (text == "tty") return progress_mode::tty;
    if (text == "plain") return progress_mode::plain;
    if (text == "rawjson") return progress_mode::rawjson;
    if (text == "quiet") return progress_mode::quiet;
    throw usage_error("invalid --progress \"" + text + "\": use auto, plain, tty, rawjson or quiet");
}

progress_printer::progress_printer(progress_mode mode) : mode_(mode) {}

progress_printer::~progress_printer()
{
    if (mode_ == progress_mode::tty && drawn_lines_ > 0) std::fflush(stderr);
}

std::string progress_printer::describe(const entry_state& s) const
{
    double seconds = seconds_since(s.started);
    std::string timing = " (" + std::to_string(seconds).substr(0, 4) + "s)";
    if (s.is_push) {
        if (s.done) return s.label + ": " + s.outcome + timing;
        std::string line = s.label + ": " + human_bytes(static_cast<double>(s.in)) + " of " +
                           human_bytes(static_cast<double>(s.out)) + " sent";
        if (seconds > 0.05) line += ", " + human_bytes(static_cast<double>(s.in) / seconds) + "/s";
        return line;
    }
    std::string line = s.label + ": " + human_bytes(static_cast<double>(s.in)) + " in, " +
                       human_bytes(static_cast<double>(s.out)) + " out";
    if (seconds > 0.05) line += ", " + human_bytes(static_cast<double>(s.in) / seconds) + "/s";
    if (s.done) line += " done " + s.digest.substr(0, 19) + timing;
    return line;
}

void progress_printer::redraw()
{
    for (std::size_t i = 0; i < drawn_lines_; ++i) std::fputs("\033[1A\033[2K", stderr);
    drawn_lines_ = 0;
    for (const auto& [number, s] : entries_) {
        std::fprintf(stderr, "#%zu %s\n", number, describe(s).c_str());
        ++drawn_lines_;
    }
    std::fflush(stderr);
    last_draw_ = std::chrono::steady_clock::now();
}

void progress_printer::emit_json(const std::string& line)
{
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

void progress_printer::layer_started(std::size_t id, std::string_view label)
{
    std::lock_guard lock(mutex_);
    auto& s = entries_[id + 1];
    s.label = "layer " + std::string(label);
    s.started = std::chrono::steady_clock::now();
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s: started\n", id + 1, s.label.c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(
            boost::json::object{{"event", "layer_started"}, {"id", id + 1}, {"label", s.label}}));
        break;
    case progress_mode::quiet: break;
    }
}

void progress_printer::layer_progress(std::size_t id, std::uint64_t bytes_in, std::uint64_t bytes_out)
{
    std::lock_guard lock(mutex_);
    auto& s = entries_[id + 1];
    s.in = bytes_in;
    s.out = bytes_out;
    if (mode_ == progress_mode::tty && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100))
        redraw();
    else if (mode_ == progress_mode::rawjson)
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "layer_progress"}, {"id", id + 1}, {"bytes_in", bytes_in}, {"bytes_out", bytes_out}}));
}

void progress_printer::layer_done(std::size_t id, const digest& blob, std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    auto& s = entries_[id + 1];
    s.done = true;
    s.out = size;
    s.digest = blob.str();
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s\n", id + 1, describe(s).c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "layer_done"}, {"id", id + 1}, {"digest", blob.str()}, {"size", size}, {"bytes_in", s.in}}));
        break;
    case progress_mode::quiet: break;
    }
}

void progress_printer::step(std::string_view message)
{
    std::lock_guard lock(mutex_);
    switch (mode_) {
    case progress_mode::tty:
    case progress_mode::plain: std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{{"event", "step"}, {"message", std::string(message)}}));
        break;
    case progress_mode::quiet: break;
    }
    if (mode_ == progress_mode::tty) drawn_lines_ = 0;
}

// Push lines are numbered after every line shown so far, in the order the blobs start.
std::size_t progress_printer::push_number(std::string_view target, const digest& blob)
{
    auto key = std::string(target) + ' ' + blob.str();
    auto it = push_numbers_.find(key);
    if (it != push_numbers_.end()) return it->second;
    std::size_t number = entries_.empty() ? 1 : entries_.rbegin()->first + 1;
    push_numbers_.emplace(key, number);
    return number;
}

void progress_printer::blob_push_started(std::string_view target, const digest& blob, std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    auto number = push_number(target, blob);
    auto& s = entries_[number];
    s.label = "push " + blob.str() + " to " + std::string(target);
    s.is_push = true;
    s.out = size;
    s.digest = blob.str();
    s.started = std::chrono::steady_clock::now();
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s: started\n", number, s.label.c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{{"event", "push_started"},
                                                             {"id", number},
                                                             {"target", std::string(target)},
                                                             {"digest", blob.str()},
                                                             {"size", size}}));
        break;
    case progress_mode::quiet: break;
    }
}

void progress_printer::blob_push_progress(std::string_view target, const digest& blob, std::uint64_t sent,
                                          std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    auto number = push_number(target, blob);
    auto& s = entries_[number];
    s.in = sent;
    s.out = size;
    if (mode_ == progress_mode::tty && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100))
        redraw();
    else if (mode_ == progress_mode::rawjson)
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "push_progress"}, {"id", number}, {"digest", blob.str()}, {"sent", sent}, {"size", size}}));
}

void progress_printer::blob_push_done(std::string_view target, const digest& blob, std::uint64_t size,
                                      blob_push_outcome how)
{
    std::lock_guard lock(mutex_);
    auto number = push_number(target, blob);
    auto& s = entries_[number];
    s.done = true;
    s.outcome = outcome_text(how);
    if (how == blob_push_outcome::uploaded) s.in = size;
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s\n", number, describe(s).c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{{"event", "push_done"},
                                                             {"id", number},
                                                             {"target", std::string(target)},
                                                             {"digest", blob.str()},
                                                             {"size", size},
                                                             {"outcome", s.outcome}}));
        break;
    case progress_mode::quiet: break;
    }
}

}  // namespace lading::cli
