#include <lading/error.hpp>
#include "xdg_directory.hpp"
#include <lading/host_config.hpp>

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <fstream>

namespace lading {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& what) { throw error(origin + ": " + what); }

bool boolean(const boost::json::value& v, const std::string& origin, const std::string& key)
{
    if (!v.is_bool()) fail(origin, "\"" + key + "\" must be true or false");
    return v.get_bool();
}

std::vector<std::string> string_list(const boost::json::value& v, const std::string& origin, const std::string& key)
{
    if (!v.is_array()) fail(origin, "\"" + key + "\" must be a list of strings");
    std::vector<std::string> out;
    for (const auto& e : v.get_array()) {
        if (!e.is_string()) fail(origin, "\"" + key + "\" must be a list of strings");
        out.emplace_back(e.get_string());
    }
    return out;
}

registry_host_settings parse_registry(const boost::json::value& v, const std::string& origin, const std::string& host)
{
    if (!v.is_object()) fail(origin, "registries." + host + " must be an object");
    registry_host_settings r;
    for (const auto& kv : v.get_object()) {
        std::string key(kv.key());
        auto where = "registries." + host + "." + key;
        if (key == "http") r.http = boolean(kv.value(), origin, where);
        else if (key == "insecure") r.insecure = boolean(kv.value(), origin, where);
        else if (key == "ca") for (auto& p : string_list(kv.value(), origin, where)) r.ca.emplace_back(p);
        else if (key == "mirrors") {
            for (const auto& m : string_list(kv.value(), origin, where)) try {
                    r.mirrors.push_back(parse_mirror(m));
                } catch (const error& e) {
                    fail(origin, where + ": " + e.what());
                }
        }
        else fail(origin, "unknown key \"" + where + "\" (use http, insecure, ca, mirrors)");
    }
    return r;
}

}  // namespace

mirror_location parse_mirror(const std::string& entry)
{
    // As BuildKit reads it, a scheme says nothing: http and insecure go in the mirror's own
    // registries entry (docker's registry-mirrors are written with one).
    std::string_view rest = entry;
    if (auto scheme = rest.find("://"); scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    mirror_location m;
    m.written = entry;
    const auto slash = rest.find('/');
    m.host = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) m.path = std::string(rest.substr(slash + 1));
    while (m.path.ends_with('/')) m.path.pop_back();
    if (m.host.empty() || m.path.starts_with('/') || m.path.find("//") != std::string::npos)
        throw error("mirror \"" + entry + "\": expected host[:port][/path]");
    return m;
}

const registry_host_settings* host_config::registry(const std::string& host) const
{
    auto it = registries.find(host);
    return it == registries.end() ? nullptr : &it->second;
}

host_config parse_host_config(const std::string& json_text, const std::string& origin)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(json_text, ec);
    if (ec || !v.is_object()) fail(origin, "not a JSON object (" + ec.message() + ")");
    host_config c;
    for (const auto& kv : v.get_object()) {
        std::string key(kv.key());
        if (key == "plugin_path") {
            for (auto& p : string_list(kv.value(), origin, key)) c.plugin_path.emplace_back(p);
        } else if (key == "registries") {
            if (!kv.value().is_object()) fail(origin, "\"registries\" must be an object keyed by host[:port]");
            for (const auto& r : kv.value().get_object())
                c.registries[std::string(r.key())] = parse_registry(r.value(), origin, std::string(r.key()));
        } else if (key == "parallel_uploads") {
            if (!kv.value().is_int64() || kv.value().get_int64() < 1 || kv.value().get_int64() > 64)
                fail(origin, "\"parallel_uploads\" must be a whole number from 1 to 64");
            c.parallel_uploads = static_cast<unsigned>(kv.value().get_int64());
        } else {
            fail(origin, "unknown key \"" + key + "\" (use plugin_path, registries, parallel_uploads)");
        }
    }
    return c;
}

host_config load_host_config(const std::optional<std::filesystem::path>& explicit_path)
{
    std::filesystem::path path;
    bool required = true;
    if (explicit_path) path = *explicit_path;
    else if (const char* e = std::getenv("LADING_CONFIG"); e && *e) path = e;
    else {
        required = false;
        auto directory = lading_xdg_directory("XDG_CONFIG_HOME", ".config");
        if (!directory) return {};
        path = *directory / "config.json";
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!required) return {};
        throw error("cannot read host configuration " + path.string());
    }
    return parse_host_config(std::string(std::istreambuf_iterator<char>(in), {}), path.string());
}

}  // namespace lading
