// Runs the real `lading` binary with a hermetic environment (no inherited
// SOURCE_DATE_EPOCH, LADING_STORE, LADING_THREADS or LADING_PLUGIN_PATH) and parses the
// plain-text outputs of `lading images` and `lading plugins`.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace lading::test {

using env_overrides = std::map<std::string, std::optional<std::string>>;

struct image_listing_entry {
    std::string name;
    std::string digest;
};

struct plugin_listing_entry {
    std::string kind, name, version, abi, file;
};

class lading_cli {
public:
    explicit lading_cli(std::filesystem::path binary);

    const std::filesystem::path& binary() const { return binary_; }
    bool exists() const;

    process_options options(std::vector<std::string> args, const env_overrides& env = {},
                            std::chrono::milliseconds timeout = std::chrono::minutes(10)) const;
    process_result run(std::vector<std::string> args, const env_overrides& env = {},
                       std::chrono::milliseconds timeout = std::chrono::minutes(10)) const;
    child_process start(std::vector<std::string> args, const env_overrides& env = {},
                        std::chrono::milliseconds timeout = std::chrono::minutes(10)) const;

    // The environment every run starts from (variables removed so the host cannot leak in;
    // LADING_CACHE_DIR set to a directory of this test process).
    static env_overrides hermetic_env();

private:
    std::filesystem::path binary_;
};

// "NAME<TAB>DIGEST" lines; throws std::runtime_error on a malformed line.
std::vector<image_listing_entry> parse_image_listing(const std::string& text);
// "KIND<TAB>NAME<TAB>VERSION<TAB>ABI<TAB>FILE" lines; throws on a malformed line.
std::vector<plugin_listing_entry> parse_plugin_listing(const std::string& text);

// Lines of `text` without the trailing empty line.
std::vector<std::string> split_lines(const std::string& text);

}  // namespace lading::test
