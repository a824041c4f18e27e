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

std::string progress_printer::describe(const layer_state& s) const
{
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
    std::string line = s.label + ": " + human_bytes(static_cast<double>(s.in)) + " in, " +
                       human_bytes(static_cast<double>(s.out)) + " out";
    if (seconds > 0.05) line += ", " + human_bytes(static_cast<double>(s.in) / seconds) + "/s";
    if (s.done) line += " done " + s.digest.substr(0, 19) + " (" + std::to_string(seconds).substr(0, 4) + "s)";
    return line;
}

void progress_printer::redraw()
{
    for (std::size_t i = 0; i < drawn_lines_; ++i) std::fputs("\033[1A\033[2K", stderr);
    drawn_lines_ = 0;
    for (const auto& [id, s] : layers_) {
        std::fprintf(stderr, "#%zu %s\n", id + 1, describe(s).c_str());
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
    auto& s = layers_[id];
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
    auto& s = layers_[id];
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
    auto& s = layers_[id];
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

}  // namespace lading::cli
