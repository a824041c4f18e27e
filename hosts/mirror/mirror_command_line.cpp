#include "mirror_command_line.hpp"

#include <lading/error.hpp>

#include "mirror/variant_tags.hpp"
#include "registry/url.hpp"

#include <boost/json/parse.hpp>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace lading::mirror_host {

namespace json = boost::json;

const char* const mirror_usage =
    R"(Usage: lading-mirror (--upstream [NAME=]URL | --config FILE) [options]

A pull-through registry mirror: serves the read side of the OCI distribution spec from a
content-addressed cache, fetching what it lacks from the upstream registry once.

  --listen HOST:PORT        address to serve on (default 127.0.0.1:5000)
  --upstream [NAME=]URL     the upstream registry (http:// or https://); NAME (default: the
                            URL's host[:port]) is what containerd's ?ns= and a /v2/NAME/...
                            path prefix select
  --config FILE             JSON configuration (several upstreams; see conf/lading-mirror.example.json)
  --cache DIR               cache directory, an OCI image layout (required)
  --tag-ttl DURATION        re-resolve tags upstream after this long (default 5m; 90s, 2h, 300)
  --max-size SIZE           keep at most this many bytes of blobs, evicting the least recently
                            used (20G, 512M)
  --variant C[:SUFFIX]      serve TAG-SUFFIX (default suffix -C) as TAG re-compressed with C
                            (zstd, estargz, gzip, uncompressed); repeatable
  --tls-cert FILE --tls-key FILE   serve HTTPS
  --htpasswd FILE           require client Basic auth (htpasswd -B bcrypt hashes)
  --plugin-path DIR         extra plugin directory; repeatable
  --help                    this text

Access log on stderr, one line per request; /metrics in Prometheus text format.
SIGTERM or SIGINT: stop accepting, finish the requests under way, exit.
)";

namespace {

std::string upstream_name_of(const std::string& url)
{
    auto u = registry::url::parse(url);
    if ((u.scheme == "https" && u.port == "443") || (u.scheme == "http" && u.port == "80")) return u.host;
    return u.host_port();
}

mirror::upstream_config parse_upstream(const std::string& text)
{
    auto eq = text.find('=');
    auto scheme = text.find("://");
    mirror::upstream_config u;
    if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) {
        u.name = text.substr(0, eq);
        u.url = text.substr(eq + 1);
    } else {
        u.url = text;
    }
    try {
        auto parsed = registry::url::parse(u.url);
        if (parsed.target != "/" && !parsed.target.empty())
            throw usage_error("--upstream " + text + ": give the registry's root URL, without a path");
        if (u.name.empty()) u.name = upstream_name_of(u.url);
    } catch (const usage_error&) {
        throw;
    } catch (const error& e) {
        throw usage_error("--upstream " + text + ": " + e.what());
    }
    return u;
}

std::string string_key(const json::object& o, const char* key, const std::string& origin)
{
    const auto& v = o.at(key);
    if (!v.is_string()) throw usage_error(origin + ": \"" + key + "\" must be a string");
    return std::string(v.as_string());
}

void apply_config(const std::filesystem::path& path, mirror_command& cmd)
{
    std::ifstream in(path);
    if (!in) throw usage_error("cannot read the configuration file " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    const auto origin = path.string();
    std::error_code ec;
    auto doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object()) throw usage_error(origin + ": not a JSON object");
    auto& s = cmd.server;
    for (const auto& [key, value] : doc.as_object()) {
        const auto& o = doc.as_object();
        if (key == "listen") {
            s.listen = string_key(o, "listen", origin);
        } else if (key == "cache") {
            s.cache = string_key(o, "cache", origin);
        } else if (key == "tag_ttl") {
            s.tag_ttl = parse_duration(string_key(o, "tag_ttl", origin), origin + ": tag_ttl");
        } else if (key == "max_size") {
            s.max_size = parse_size(string_key(o, "max_size", origin), origin + ": max_size");
        } else if (key == "tls_cert") {
            s.tls_cert = string_key(o, "tls_cert", origin);
        } else if (key == "tls_key") {
            s.tls_key = string_key(o, "tls_key", origin);
        } else if (key == "htpasswd") {
            s.htpasswd = string_key(o, "htpasswd", origin);
        } else if (key == "variants" && value.is_array()) {
            for (const auto& v : value.as_array()) {
                if (!v.is_string()) throw usage_error(origin + ": \"variants\" holds strings such as \"zstd\"");
                s.variants.push_back(mirror::parse_variant_option(std::string(v.as_string())));
            }
        } else if (key == "upstreams" && value.is_array()) {
            for (const auto& v : value.as_array()) {
                if (!v.is_object() || !v.as_object().contains("url"))
                    throw usage_error(origin + ": each upstream is {\"name\": ..., \"url\": ...}");
                for (const auto& [k, ignored] : v.as_object())
                    if (k != "name" && k != "url") throw usage_error(origin + ": unknown upstream key \"" + std::string(k) + "\"");
                auto url = string_key(v.as_object(), "url", origin);
                auto u = parse_upstream(url);
                if (v.as_object().contains("name")) u.name = string_key(v.as_object(), "name", origin);
                s.upstreams.push_back(u);
            }
        } else {
            throw usage_error(origin + ": unknown or malformed key \"" + std::string(key) + "\"");
        }
    }
}

}  // namespace

std::uint64_t parse_size(const std::string& text, const std::string& what)
{
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        throw usage_error(what + " " + text + ": expected a size such as 512M or 20G");
    }
    auto unit = text.substr(used);
    if (unit.ends_with("iB")) unit.resize(unit.size() - 2);
    else if (unit.ends_with("B")) unit.resize(unit.size() - 1);
    double factor = unit.empty() ? 1 : unit == "K" || unit == "k" ? 1024.0 : unit == "M" ? 1024.0 * 1024
                                     : unit == "G" ? 1024.0 * 1024 * 1024 : unit == "T" ? 1024.0 * 1024 * 1024 * 1024 : -1;
    if (factor < 0 || value < 0 || !std::isfinite(value))
        throw usage_error(what + " " + text + ": expected a size such as 512M or 20G");
    return static_cast<std::uint64_t>(value * factor);
}

std::chrono::seconds parse_duration(const std::string& text, const std::string& what)
{
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    auto unit = text.substr(used);
    long long factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
    if (used == 0 || factor < 0 || value < 0) throw usage_error(what + " " + text + ": expected a duration such as 300, 90s, 5m or 2h");
    return std::chrono::seconds(value * factor);
}

mirror_command parse_mirror_command(const std::vector<std::string>& args)
{
    mirror_command cmd;
    std::optional<std::filesystem::path> config;
    std::vector<mirror::upstream_config> upstreams;
    std::vector<mirror::variant_config> variants;
    std::optional<std::string> listen, cache, ttl, max_size, cert, key, htpasswd;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--help" || a == "-h") {
            cmd.help = true;
            return cmd;
        }
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw usage_error(a + " needs a value");
            return args[++i];
        };
        if (a == "--listen") listen = value();
        else if (a == "--upstream") upstreams.push_back(parse_upstream(value()));
        else if (a == "--config") config = value();
        else if (a == "--cache") cache = value();
        else if (a == "--tag-ttl") ttl = value();
        else if (a == "--max-size") max_size = value();
        else if (a == "--variant") variants.push_back(mirror::parse_variant_option(value()));
        else if (a == "--tls-cert") cert = value();
        else if (a == "--tls-key") key = value();
        else if (a == "--htpasswd") htpasswd = value();
        else if (a == "--plugin-path") cmd.plugin_path.push_back(value());
        else throw usage_error("unknown argument " + a + " (see lading-mirror --help)");
    }
    auto& s = cmd.server;
    if (config) apply_config(*config, cmd);
    // Flags win over the configuration file.
    if (!upstreams.empty()) s.upstreams = upstreams;
    s.variants.insert(s.variants.end(), variants.begin(), variants.end());
    if (listen) s.listen = *listen;
    if (cache) s.cache = *cache;
    if (ttl) s.tag_ttl = parse_duration(*ttl, "--tag-ttl");
    if (max_size) s.max_size = parse_size(*max_size, "--max-size");
    if (cert) s.tls_cert = *cert;
    if (key) s.tls_key = *key;
    if (htpasswd) s.htpasswd = *htpasswd;
    if (s.upstreams.empty()) throw usage_error("no upstream: give --upstream URL or --config FILE (see --help)");
    if (s.cache.empty()) throw usage_error("no cache directory: give --cache DIR");
    return cmd;
}

}  // namespace lading::mirror_host
