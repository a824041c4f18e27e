// Renders a path for a test message: printable ASCII as is, every other byte as \xNN, so
// non-UTF-8 names do not garble the report.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lading::test {

std::string printable(std::string_view bytes);
std::string printable(const std::string& bytes);
std::string printable(const char* bytes);
std::string printable(const std::filesystem::path& path);

}  // namespace lading::test
