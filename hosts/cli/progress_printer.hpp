// Renders export and push progress the way buildx's --progress does: tty, plain, rawjson, quiet.
#pragma once

#include <lading/progress.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace lading::cli {

enum class progress_mode { tty, plain, rawjson, quiet };

// "auto" picks tty when stderr is a terminal, else plain. Throws usage_error otherwise.
progress_mode parse_progress_mode(const std::string& text);

class progress_printer : public progress_listener {
public:
    explicit progress_printer(progress_mode mode);
    ~progress_printer() override;

    void layer_started(std::size_t id, std::string_view label) override;
    void layer_progress(std::size_t id, std::uint64_t bytes_in, std::uint64_t bytes_out) override;
    void layer_done(std::size_t id, const digest& blob, std::uint64_t size) override;
    void step(std::string_view message) override;

    void blob_push_started(std::string_view target, const digest& blob, std::uint64_t size) override;
    void blob_push_progress(std::string_view target, const digest& blob, std::uint64_t sent,
                            std::uint64_t size) override;
    void blob_push_done(std::string_view target, const digest& blob, std::uint64_t size,
                        blob_push_outcome how) override;

    // What one of several exports shown together (lading bake targets) reports through: its
    // lines start with "[NAME] " and its numbers never collide with the other exports'.
    std::unique_ptr<progress_listener> for_target(const std::string& name);

private:
    class target_view;
    // The shared body of the listener calls; `prefix` starts every line, under mutex_.
    void show_layer_started(std::size_t number, const std::string& prefix, std::string_view label);
    void show_layer_progress(std::size_t number, std::uint64_t bytes_in, std::uint64_t bytes_out);
    void show_layer_done(std::size_t number, const digest& blob, std::uint64_t size);
    void show_step(const std::string& prefix, std::string_view message);
    void show_push_started(const std::string& prefix, std::string_view target, const digest& blob, std::uint64_t size);
    void show_push_progress(const std::string& prefix, std::string_view target, const digest& blob,
                            std::uint64_t sent, std::uint64_t size);
    void show_push_done(const std::string& prefix, std::string_view target, const digest& blob, std::uint64_t size,
                        blob_push_outcome how);
    std::size_t fresh_number();

    // One numbered line: a layer being built or a blob being pushed.
    struct entry_state {
        std::string label;
        bool is_push = false;
        std::uint64_t in = 0, out = 0;  // layer: bytes read, bytes written; push: bytes sent, blob size
        std::chrono::steady_clock::time_point started;
        bool done = false;
        std::string outcome;  // how a push ended: uploaded, mounted, already there
        std::string digest;
    };
    std::string describe(const entry_state& s) const;
    void redraw();
    void emit_json(const std::string& line);
    std::size_t push_number(const std::string& prefix, std::string_view target, const digest& blob);

    progress_mode mode_;
    std::mutex mutex_;
    std::map<std::size_t, entry_state> entries_;  // by the number shown, "#N"
    std::map<std::string, std::size_t> push_numbers_;  // "target blob" -> number
    std::size_t next_fresh_ = 1;
    std::size_t drawn_lines_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace lading::cli
