#include "registry_fixtures/token_server.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>
#include <stdexcept>

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <lading/formats/base64.hpp>
#include <openssl/rand.h>

#include "registry_fixtures/url_encoding.hpp"

namespace lading::test {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string random_token() {
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
    return formats::base64url_encode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
}

http_response json_error(http::status status, const std::string& error, const std::string& description) {
    return make_response(status,
                         json::serialize(json::object{{"error", error}, {"error_description", description}}));
}

http_response unauthorized(const std::string& why) {
    http_response res = json_error(http::status::unauthorized, "invalid_grant", why);
    res.set(http::field::www_authenticate, "Basic realm=\"lading-token-server\"");
    return res;
}

// "Basic base64(user:pass)" -> {user, pass}; nullopt when not Basic or undecodable.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
    if (header.size() < 6 || !boost::beast::iequals(header.substr(0, 6), "basic ")) return std::nullopt;
    auto decoded = formats::base64_decode(header.substr(6));
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace

token_access parse_scope(const std::string& scope) {
    auto first = scope.find(':');
    auto last = scope.rfind(':');
    if (first == std::string::npos || first == last)
        throw std::invalid_argument("invalid scope \"" + scope + "\" (want type:name:actions)");
    token_access a;
    a.type = scope.substr(0, first);
    a.name = scope.substr(first + 1, last - first - 1);
    std::string actions = scope.substr(last + 1);
    std::size_t start = 0;
    while (start <= actions.size()) {
        auto comma = actions.find(',', start);
        std::string action =
            actions.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!action.empty()) a.actions.push_back(action);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return a;
}

token_server::token_server(token_server_options options)
    : options_(std::move(options)),
      signer_(options_.signing.key, options_.signing.certificate, options_.key_reference),
      server_([this](http_request req) -> boost::asio::awaitable<http_response> { co_return handle(req); },
              http_server_options{options_.tls}) {}

token_server::~token_server() { server_.stop(); }

std::string token_server::realm() const { return server_.base_url() + "/token"; }

std::vector<token_request> token_server::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void token_server::clear_requests() {
    std::lock_guard lock(mutex_);
    requests_.clear();
}

void token_server::fail_next(unsigned count, unsigned status) {
    std::lock_guard lock(mutex_);
    failures_left_ = count;
    failure_status_ = status;
}

std::vector<token_access> token_server::grant(const std::string& user,
                                              const std::vector<std::string>& scopes) const {
    std::vector<token_access> granted;
    auto user_grants = options_.grants.find(user);
    for (const auto& scope : scopes) {
        token_access asked = parse_scope(scope);
        std::set<std::string> allowed;
        if (user_grants != options_.grants.end()) {
            for (const char* key : {asked.name.c_str(), "*"}) {
                auto it = user_grants->second.find(key);
                if (it != user_grants->second.end()) allowed.insert(it->second.begin(), it->second.end());
            }
        }
        auto same = std::find_if(granted.begin(), granted.end(), [&](const token_access& g) {
            return g.type == asked.type && g.name == asked.name;
        });
        for (const auto& action : asked.actions) {
            if (!allowed.count(action) && !allowed.count("*")) continue;
            if (same == granted.end()) {
                granted.push_back({asked.type, asked.name, {}});
                same = granted.end() - 1;
            }
            if (std::find(same->actions.begin(), same->actions.end(), action) == same->actions.end())
                same->actions.push_back(action);
        }
    }
    return granted;
}

std::string token_server::make_token(const std::string& user, const std::vector<token_access>& access) const {
    auto now = std::chrono::system_clock::now();
    token_claims claims;
    claims.issuer = options_.issuer;
    claims.subject = user;
    claims.audience = options_.service;
    claims.issued_at = now;
    claims.not_before = now;
    claims.expires_at = now + options_.expires_in;
    claims.access = access;
    return signer_.sign(claims);
}

std::string token_server::issue(const std::string& user, const std::vector<std::string>& scopes) const {
    return make_token(user, grant(user, scopes));
}

http_response token_server::handle(const http_request& req) {
    token_request rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    rec.had_authorization = req.find(http::field::authorization) != req.end();
    auto finish = [&](http_response res) {
        rec.status = res.result_int();
        std::lock_guard lock(mutex_);
        requests_.push_back(rec);
        return res;
    };

    std::optional<unsigned> injected;
    {
        std::lock_guard lock(mutex_);
        if (failures_left_ > 0) {
            --failures_left_;
            injected = failure_status_;
        }
    }
    if (injected)
        return finish(json_error(static_cast<http::status>(*injected), "server_error", "injected failure"));

    std::string_view target = req.target();
    auto q = target.find('?');
    rec.path = std::string(target.substr(0, q));
    rec.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
    if (rec.path != "/token") return finish(json_error(http::status::not_found, "not_found", "no such path"));

    bool offline = false;
    query_params params;
    if (req.method() == http::verb::get) {
        params = parse_query(rec.query);
        for (const auto& value : query_values(params, "scope"))
            for (auto& s : split_spaces(value)) rec.scopes.push_back(std::move(s));
        offline = query_value(params, "offline_token") == "true";
        if (rec.had_authorization) {
            auto creds = basic_credentials(req[http::field::authorization]);
            if (!creds) return finish(unauthorized("Basic credentials expected"));
            auto user = options_.users.find(creds->first);
            if (user == options_.users.end() || user->second != creds->second)
                return finish(unauthorized("wrong user name or password"));
            rec.user = creds->first;
        }
    } else if (req.method() == http::verb::post) {
        params = parse_query(req.body());
        rec.grant_type = query_value(params, "grant_type");
        rec.scopes = split_spaces(query_value(params, "scope"));
        offline = query_value(params, "access_type") == "offline";
        if (rec.grant_type == "password") {
            auto user = options_.users.find(query_value(params, "username"));
            if (user == options_.users.end() || user->second != query_value(params, "password"))
                return finish(unauthorized("wrong user name or password"));
            rec.user = user->first;
        } else if (rec.grant_type == "refresh_token") {
            {
                std::lock_guard lock(mutex_);
                auto it = refresh_tokens_.find(query_value(params, "refresh_token"));
                if (it != refresh_tokens_.end()) rec.user = it->second;
            }
            if (rec.user.empty()) return finish(unauthorized("unknown refresh token"));
            offline = true;
        } else {
            return finish(json_error(http::status::bad_request, "unsupported_grant_type", rec.grant_type));
        }
    } else {
        return finish(json_error(http::status::method_not_allowed, "invalid_request", "GET or POST"));
    }

    rec.service = query_value(params, "service");
    if (!rec.service.empty() && rec.service != options_.service)
        return finish(
            json_error(http::status::bad_request, "invalid_request", "unknown service " + rec.service));
    try {
        rec.granted = grant(rec.user, rec.scopes);
    } catch (const std::invalid_argument& e) {
        return finish(json_error(http::status::bad_request, "invalid_scope", e.what()));
    }

    auto now = std::chrono::system_clock::now();
    std::string token = make_token(rec.user, rec.granted);
    json::object body{{"token", token},
                      {"access_token", token},
                      {"expires_in", options_.expires_in.count()},
                      {"issued_at", rfc3339(now)}};
    if (offline && !rec.user.empty()) {
        std::string refresh =
            rec.grant_type == "refresh_token" ? query_value(params, "refresh_token") : random_token();
        {
            std::lock_guard lock(mutex_);
            refresh_tokens_[refresh] = rec.user;
        }
        body["refresh_token"] = refresh;
    }
    return finish(make_response(http::status::ok, json::serialize(body)));
}

}  // namespace lading::test
