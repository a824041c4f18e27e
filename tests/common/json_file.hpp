// Reads JSON with Boost.JSON; errors name the file and quote the start of the text.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace lading::test {

std::string read_text_file(const std::filesystem::path& file);  // throws if unreadable
boost::json::value parse_json(std::string_view text, std::string_view what);
boost::json::value read_json_file(const std::filesystem::path& file);

// obj[key] as a string, or "" when absent or not a string.
std::string json_string(const boost::json::value& v, std::string_view key);

}  // namespace lading::test
