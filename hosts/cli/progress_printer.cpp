#include "progress_printer.hpp"

#include <lading/error.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
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
// About three significant figures: 0.02s, 12.3s, 240s; whole seconds from 100 s on (12346s).
std::string format_seconds(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, seconds < 10 ? "%.2fs" : seconds < 100 ? "%.1fs" : "%.0fs", seconds);
    return text;
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
    std::string timing = " (" + format_seconds(seconds) + ")";
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

// A bake target's view: its own layer ids mapped to numbers no other export uses.
class progress_printer::target_view : public progress_listener {
public:
    target_view(progress_printer& printer, std::string name) : printer_(printer), prefix_("[" + name + "] ") {}

    void layer_started(std::size_t id, std::string_view label) override
    {
        std::lock_guard lock(printer_.mutex_);
        auto [it, fresh] = numbers_.try_emplace(id, 0);
        if (fresh) it->second = printer_.fresh_number();
        printer_.show_layer_started(it->second, prefix_, label);
    }
    void layer_progress(std::size_t id, std::uint64_t bytes_in, std::uint64_t bytes_out) override
    {
        std::lock_guard lock(printer_.mutex_);
        if (auto it = numbers_.find(id); it != numbers_.end()) printer_.show_layer_progress(it->second, bytes_in, bytes_out);
    }
    void layer_done(std::size_t id, const digest& blob, std::uint64_t size) override
    {
        std::lock_guard lock(printer_.mutex_);
        if (auto it = numbers_.find(id); it != numbers_.end()) printer_.show_layer_done(it->second, blob, size);
    }
    void step(std::string_view message) override
    {
        std::lock_guard lock(printer_.mutex_);
        printer_.show_step(prefix_, message);
    }
    void blob_push_started(std::string_view target, const digest& blob, std::uint64_t size) override
    {
        std::lock_guard lock(printer_.mutex_);
        printer_.show_push_started(prefix_, target, blob, size);
    }
    void blob_push_progress(std::string_view target, const digest& blob, std::uint64_t sent,
                            std::uint64_t size) override
    {
        std::lock_guard lock(printer_.mutex_);
        printer_.show_push_progress(prefix_, target, blob, sent, size);
    }
    void blob_push_done(std::string_view target, const digest& blob, std::uint64_t size,
                        blob_push_outcome how) override
    {
        std::lock_guard lock(printer_.mutex_);
        printer_.show_push_done(prefix_, target, blob, size, how);
    }

private:
    progress_printer& printer_;
    std::string prefix_;
    std::map<std::size_t, std::size_t> numbers_;  // the export's layer id -> the number shown
};

std::unique_ptr<progress_listener> progress_printer::for_target(const std::string& name)
{
    return std::make_unique<target_view>(*this, name);
}

// A number after every one shown or handed out so far.
std::size_t progress_printer::fresh_number()
{
    std::size_t number = std::max(next_fresh_, entries_.empty() ? 1 : entries_.rbegin()->first + 1);
    next_fresh_ = number + 1;
    entries_[number];
    return number;
}

void progress_printer::layer_started(std::size_t id, std::string_view label)
{
    std::lock_guard lock(mutex_);
    show_layer_started(id + 1, "", label);
}

void progress_printer::layer_progress(std::size_t id, std::uint64_t bytes_in, std::uint64_t bytes_out)
{
    std::lock_guard lock(mutex_);
    show_layer_progress(id + 1, bytes_in, bytes_out);
}

void progress_printer::layer_done(std::size_t id, const digest& blob, std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    show_layer_done(id + 1, blob, size);
}

void progress_printer::step(std::string_view message)
{
    std::lock_guard lock(mutex_);
    show_step("", message);
}

void progress_printer::blob_push_started(std::string_view target, const digest& blob, std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    show_push_started("", target, blob, size);
}

void progress_printer::blob_push_progress(std::string_view target, const digest& blob, std::uint64_t sent,
                                          std::uint64_t size)
{
    std::lock_guard lock(mutex_);
    show_push_progress("", target, blob, sent, size);
}

void progress_printer::blob_push_done(std::string_view target, const digest& blob, std::uint64_t size,
                                      blob_push_outcome how)
{
    std::lock_guard lock(mutex_);
    show_push_done("", target, blob, size, how);
}

void progress_printer::show_layer_started(std::size_t number, const std::string& prefix, std::string_view label)
{
    auto& s = entries_[number];
    s.label = prefix + "layer " + std::string(label);
    s.started = std::chrono::steady_clock::now();
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s: started\n", number, s.label.c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(
            boost::json::object{{"event", "layer_started"}, {"id", number}, {"label", s.label}}));
        break;
    case progress_mode::quiet: break;
    }
}

void progress_printer::show_layer_progress(std::size_t number, std::uint64_t bytes_in, std::uint64_t bytes_out)
{
    auto& s = entries_[number];
    s.in = bytes_in;
    s.out = bytes_out;
    if (mode_ == progress_mode::tty && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100))
        redraw();
    else if (mode_ == progress_mode::rawjson)
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "layer_progress"}, {"id", number}, {"bytes_in", bytes_in}, {"bytes_out", bytes_out}}));
}

void progress_printer::show_layer_done(std::size_t number, const digest& blob, std::uint64_t size)
{
    auto& s = entries_[number];
    s.done = true;
    s.out = size;
    s.digest = blob.str();
    switch (mode_) {
    case progress_mode::tty: redraw(); break;
    case progress_mode::plain: std::fprintf(stderr, "#%zu %s\n", number, describe(s).c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "layer_done"}, {"id", number}, {"digest", blob.str()}, {"size", size}, {"bytes_in", s.in}}));
        break;
    case progress_mode::quiet: break;
    }
}

void progress_printer::show_step(const std::string& prefix, std::string_view message)
{
    const std::string line = prefix + std::string(message);
    switch (mode_) {
    case progress_mode::tty:
    case progress_mode::plain: std::fprintf(stderr, "%s\n", line.c_str()); break;
    case progress_mode::rawjson:
        emit_json(boost::json::serialize(boost::json::object{{"event", "step"}, {"message", line}}));
        break;
    case progress_mode::quiet:
        // Quiet hides progress, not what the user should know about the result.
        if (message.starts_with("warning: ")) std::fprintf(stderr, "%s\n", line.c_str());
        break;
    }
    if (mode_ == progress_mode::tty) drawn_lines_ = 0;
}

// Push lines are numbered after every line shown so far, in the order the blobs start.
std::size_t progress_printer::push_number(const std::string& prefix, std::string_view target, const digest& blob)
{
    auto key = prefix + std::string(target) + ' ' + blob.str();
    auto it = push_numbers_.find(key);
    if (it != push_numbers_.end()) return it->second;
    std::size_t number = fresh_number();
    push_numbers_.emplace(key, number);
    return number;
}

void progress_printer::show_push_started(const std::string& prefix, std::string_view target, const digest& blob,
                                         std::uint64_t size)
{
    auto number = push_number(prefix, target, blob);
    auto& s = entries_[number];
    s.label = prefix + "push " + blob.str() + " to " + std::string(target);
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

void progress_printer::show_push_progress(const std::string& prefix, std::string_view target, const digest& blob,
                                          std::uint64_t sent, std::uint64_t size)
{
    auto number = push_number(prefix, target, blob);
    auto& s = entries_[number];
    s.in = sent;
    s.out = size;
    if (mode_ == progress_mode::tty && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100))
        redraw();
    else if (mode_ == progress_mode::rawjson)
        emit_json(boost::json::serialize(boost::json::object{
            {"event", "push_progress"}, {"id", number}, {"digest", blob.str()}, {"sent", sent}, {"size", size}}));
}

void progress_printer::show_push_done(const std::string& prefix, std::string_view target, const digest& blob,
                                      std::uint64_t size, blob_push_outcome how)
{
    auto number = push_number(prefix, target, blob);
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
