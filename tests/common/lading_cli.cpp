#include "lading_cli.hpp"

#include <stdexcept>

#include <unistd.h>

#include "printable_path.hpp"
#include "temp_dir.hpp"

namespace lading::test {

lading_cli::lading_cli(std::filesystem::path binary) : binary_(std::move(binary)) {}

bool lading_cli::exists() const { return ::access(binary_.c_str(), X_OK) == 0; }

namespace {
// Push hints of the runs of one test process: kept out of the user's ~/.cache, removed at exit.
const std::filesystem::path& test_cache_dir() {
    static const temp_dir dir("lading-test-cache-");
    return dir.path();
}
}  // namespace

env_overrides lading_cli::hermetic_env() {
    return {
        {"SOURCE_DATE_EPOCH", std::nullopt},
        {"LADING_STORE", std::nullopt},
        {"LADING_THREADS", std::nullopt},
        {"LADING_PLUGIN_PATH", std::nullopt},
        {"LADING_CERTS_D", std::nullopt},
        {"LADING_CACHE_DIR", test_cache_dir().string()},
    };
}

process_options lading_cli::options(std::vector<std::string> args, const env_overrides& env,
                                    std::chrono::milliseconds timeout) const {
    process_options o;
    o.argv.push_back(binary_.string());
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = hermetic_env();
    for (const auto& [k, v] : env) o.env[k] = v;
    o.timeout = timeout;
    return o;
}

process_result lading_cli::run(std::vector<std::string> args, const env_overrides& env,
                               std::chrono::milliseconds timeout) const {
    return run_process(options(std::move(args), env, timeout));
}

child_process lading_cli::start(std::vector<std::string> args, const env_overrides& env,
                                std::chrono::milliseconds timeout) const {
    return child_process(options(std::move(args), env, timeout));
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(pos));
            break;
        }
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    for (;;) {
        auto tab = line.find('\t', pos);
        fields.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
        if (tab == std::string::npos) break;
        pos = tab + 1;
    }
    return fields;
}

}  // namespace

std::vector<image_listing_entry> parse_image_listing(const std::string& text) {
    std::vector<image_listing_entry> out;
    for (const auto& line : split_lines(text)) {
        if (line.empty()) continue;
        auto f = split_tabs(line);
        if (f.size() != 2 || f[0].empty() || f[1].rfind("sha256:", 0) != 0)
            throw std::runtime_error("malformed `lading images` line (want NAME<TAB>DIGEST): '" +
                                     printable(std::string_view(line)) + "'");
        out.push_back({f[0], f[1]});
    }
    return out;
}

std::vector<plugin_listing_entry> parse_plugin_listing(const std::string& text) {
    std::vector<plugin_listing_entry> out;
    for (const auto& line : split_lines(text)) {
        if (line.empty()) continue;
        auto f = split_tabs(line);
        if (f.size() != 5)
            throw std::runtime_error(
                "malformed `lading plugins` line (want KIND<TAB>NAME<TAB>VERSION<TAB>ABI<TAB>FILE): '" +
                printable(std::string_view(line)) + "'");
        out.push_back({f[0], f[1], f[2], f[3], f[4]});
    }
    return out;
}

}  // namespace lading::test
