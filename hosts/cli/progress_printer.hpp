// Renders export progress the way buildx's --progress does: tty, plain, rawjson, quiet.
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

private:
    struct layer_state {
        std::string label;
        std::uint64_t in = 0, out = 0;
        std::chrono::steady_clock::time_point started;
        bool done = false;
        std::string digest;
    };
    std::string describe(const layer_state& s) const;
    void redraw();
    void emit_json(const std::string& line);

    progress_mode mode_;
    std::mutex mutex_;
    std::map<std::size_t, layer_state> layers_;
    std::size_t drawn_lines_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace lading::cli
