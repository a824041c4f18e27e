#include "json_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "printable_path.hpp"

namespace lading::test {

std::string read_text_file(const std::filesystem::path& file) {
    std::ifstream f(file, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + printable(file));
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

boost::json::value parse_json(std::string_view text, std::string_view what) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec)
        throw std::runtime_error(std::string(what) + " is not valid JSON (" + ec.message() + "): " +
                                 printable(text.substr(0, 300)));
    return v;
}

boost::json::value read_json_file(const std::filesystem::path& file) {
    return parse_json(read_text_file(file), printable(file));
}

std::string json_string(const boost::json::value& v, std::string_view key) {
    if (!v.is_object()) return {};
    const auto* p = v.as_object().if_contains(key);
    if (!p || !p->is_string()) return {};
    return std::string(p->as_string());
}

}  // namespace lading::test
