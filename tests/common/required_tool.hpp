// Looks up the external programs a test drives. A missing program FAILS the test (it never
// skips) with a message naming the Debian package that provides it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lading::test {

struct tool {
    std::string program;         // looked up in PATH
    std::string debian_package;  // what scripts/setup installs
};

std::optional<std::filesystem::path> find_program(const std::string& program);

// Must run inside a Catch test case: FAILs (ending the test case) when a tool is missing.
void require_tools(std::initializer_list<tool> tools);

// The message require_tools fails with.
std::string missing_tool_message(const tool& t);

namespace tools {
inline const tool skopeo{"skopeo", "skopeo"};
inline const tool umoci{"umoci", "umoci"};
inline const tool containerd{"containerd", "containerd"};
inline const tool ctr{"ctr", "containerd"};
inline const tool jq{"jq", "jq"};
inline const tool tar{"tar", "tar"};
inline const tool zstd{"zstd", "zstd"};
inline const tool gzip{"gzip", "gzip"};
inline const tool pigz{"pigz", "pigz"};
}  // namespace tools

}  // namespace lading::test
