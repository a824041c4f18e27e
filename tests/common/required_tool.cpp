#include "required_tool.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include <unistd.h>

namespace lading::test {

std::optional<std::filesystem::path> find_program(const std::string& program) {
    if (program.find('/') != std::string::npos) {
        if (::access(program.c_str(), X_OK) == 0) return std::filesystem::path(program);
        return std::nullopt;
    }
    const char* env = std::getenv("PATH");
    std::stringstream ss(env ? env : "/usr/local/bin:/usr/bin:/bin");
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        auto candidate = (dir.empty() ? std::filesystem::path(".") : std::filesystem::path(dir)) / program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

std::string missing_tool_message(const tool& t) {
    return "required tool '" + t.program + "' is not in PATH: install the Debian package '" +
           t.debian_package + "' (scripts/setup installs it)";
}

void require_tools(std::initializer_list<tool> tools) {
    for (const auto& t : tools)
        if (!find_program(t.program)) FAIL(missing_tool_message(t));
}

}  // namespace lading::test
