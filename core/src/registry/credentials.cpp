#include "posix/atomic_file.hpp"
#include <lading/error.hpp>
#include "registry/credentials.hpp"

#include "helper_process.hpp"

#include <lading/formats/base64.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>

namespace lading::registry {

namespace {

boost::json::object read_config()
{
    auto path = docker_config_path();
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::string text(std::istreambuf_iterator<char>(in), {});
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) throw error(path.string() + " is not valid JSON; fix or remove it");
    return v.as_object();
}

std::string string_field(const boost::json::object& o, const char* key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

helper_result run_helper(const std::string& helper, const std::string& action, const std::string& input)
{
    return run_helper_process("docker-credential-" + helper, action, input, credential_helper_timeout());
}

std::optional<credential> from_helper(const std::string& helper, const std::string& key)
{
    auto r = run_helper(helper, "get", key);
    if (r.status != 0) {
        if (r.out.find("credentials not found") != std::string::npos) return std::nullopt;
        throw error("credential helper docker-credential-" + helper + " failed for " + key + " (exit status " +
                    std::to_string(r.status) + ")");
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(r.out, ec);
    if (ec || !v.is_object())
        throw error("credential helper docker-credential-" + helper + (r.out.empty() ? " returned nothing" : " returned invalid JSON") +
                    " for " + key);
    credential c;
    c.username = string_field(v.as_object(), "Username");
    auto secret = string_field(v.as_object(), "Secret");
    if (c.username == "<token>") c.identity_token = secret;
    else c.password = secret;
    return c;
}

std::optional<credential> from_auth_entry(const boost::json::object& entry)
{
    credential c;
    if (auto auth = string_field(entry, "auth"); !auth.empty()) {
        auto decoded = formats::base64_decode(auth).value_or("");
        while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();
        auto colon = decoded.find(':');
        if (colon == std::string::npos) throw error("config.json has an \"auth\" entry that is not base64 of user:password");
        c.username = decoded.substr(0, colon);
        c.password = decoded.substr(colon + 1);
    }
    if (c.username.empty()) c.username = string_field(entry, "username");
    if (c.password.empty()) c.password = string_field(entry, "password");
    c.identity_token = string_field(entry, "identitytoken");
    c.registry_token = string_field(entry, "registrytoken");
    if (c.username.empty() && c.password.empty() && c.identity_token.empty() && c.registry_token.empty())
        return std::nullopt;
    return c;
}

}  // namespace

std::filesystem::path docker_config_path()
{
    if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return std::filesystem::path(d) / "config.json";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home ? home : "/") / ".docker" / "config.json";
}

std::string key_hostname(std::string key)
{
    if (auto p = key.find("://"); p != std::string::npos) key = key.substr(p + 3);
    if (auto s = key.find('/'); s != std::string::npos) key = key.substr(0, s);
    return key;
}

std::string config_key_for(const std::string& registry_host)
{
    if (registry_host == "docker.io" || registry_host == "index.docker.io" || registry_host == "registry-1.docker.io")
        return "https://index.docker.io/v1/";
    return registry_host;
}

std::optional<credential> find_credential(const std::string& registry_host)
{
    auto config = read_config();
    const auto key = config_key_for(registry_host);
    if (auto* helpers = config.if_contains("credHelpers"); helpers && helpers->is_object())
        if (auto* h = helpers->as_object().if_contains(key); h && h->is_string())
            return from_helper(std::string(h->get_string()), key);
    if (auto store = string_field(config, "credsStore"); !store.empty()) {
        if (auto c = from_helper(store, key)) return c;
    }
    if (auto* auths = config.if_contains("auths"); auths && auths->is_object()) {
        const auto& a = auths->as_object();
        if (auto* e = a.if_contains(key); e && e->is_object()) return from_auth_entry(e->as_object());
        for (const auto& kv : a)
            if (key_hostname(std::string(kv.key())) == key_hostname(key) && kv.value().is_object())
                return from_auth_entry(kv.value().as_object());
    }
    return std::nullopt;
}

void store_credential(const std::string& registry_host, const credential& c)
{
    auto config = read_config();
    const auto key = config_key_for(registry_host);
    std::string helper = string_field(config, "credsStore");
    if (auto* helpers = config.if_contains("credHelpers"); helpers && helpers->is_object())
        if (auto* h = helpers->as_object().if_contains(key); h && h->is_string()) helper = std::string(h->get_string());
    if (!helper.empty()) {
        boost::json::object payload{{"ServerURL", key}, {"Username", c.username}, {"Secret", c.password}};
        auto r = run_helper(helper, "store", boost::json::serialize(payload));
        if (r.status != 0) throw error("credential helper docker-credential-" + helper + " could not store the login (exit status " +
                        std::to_string(r.status) + ")");
        return;
    }
    auto& auths = config["auths"];
    if (!auths.is_object()) auths = boost::json::object{};
    auths.as_object()[key] = boost::json::object{{"auth", formats::base64_encode(c.username + ":" + c.password)}};

    // A config.json that is a link (dotfiles kept elsewhere) is written where it points, as
    // docker writes it, not replaced by a file of its own.
    auto path = docker_config_path();
    std::error_code unresolved;
    for (int hops = 0; hops < 40 && std::filesystem::is_symlink(path, unresolved); ++hops) {
        auto target = std::filesystem::read_symlink(path, unresolved);
        if (unresolved) break;
        path = target.is_absolute() ? target : path.parent_path() / target;  // a dangling link's target too
    }
    replace_file_atomically(path, boost::json::serialize(config), 0600);
}

}  // namespace lading::registry
