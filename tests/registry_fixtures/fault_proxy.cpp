#include "registry_fixtures/fault_proxy.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/status.hpp>

#include "registry_fixtures/http_request_framing.hpp"

namespace lading::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk = 64 * 1024;

std::string error_code_for(unsigned status) {
    switch (status) {
        case 429:
            return "TOOMANYREQUESTS";
        case 503:
            return "UNAVAILABLE";
        default:
            return "UNKNOWN";
    }
}

std::string serialize(const injected_response& r, bool head_request, bool close) {
    std::string body = r.body.empty() ? R"({"errors":[{"code":")" + error_code_for(r.status) +
                                            R"(","message":"injected by fault_proxy","detail":null}]})"
                                      : r.body;
    std::string reason(beast::http::obsolete_reason(static_cast<beast::http::status>(r.status)));
    std::string text = "HTTP/1.1 " + std::to_string(r.status) + " " + reason + "\r\n";
    if (r.body.empty()) text += "Content-Type: application/json; charset=utf-8\r\n";
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& [name, value] : r.headers) text += name + ": " + value + "\r\n";
    if (close) text += "Connection: close\r\n";
    text += "\r\n";
    if (!head_request) text += body;
    return text;
}

// Any HTTP method starts with an upper-case letter; anything else (a TLS ClientHello) is
// relayed without framing, so connection scripts still work for it.
bool looks_like_http(char first) { return first >= 'A' && first <= 'Z'; }

}  // namespace

struct fault_proxy::link {
    beast::tcp_stream client;
    beast::tcp_stream upstream;
    std::size_t id = 0;
    std::optional<std::uint64_t> budget;
    std::uint64_t forwarded = 0;
    std::optional<std::uint64_t> response_budget;  // answer bytes still to relay before closing

    link(tcp::socket c, asio::io_context& ioc) : client(std::move(c)), upstream(ioc) {}

    void close() {
        beast::error_code ignored;
        client.socket().close(ignored);
        upstream.socket().close(ignored);
    }
};

namespace {

template <class Link>
asio::awaitable<void> relay_responses(std::shared_ptr<Link> l) {
    std::array<char, read_chunk> buf;
    for (;;) {
        auto [ec, n] = co_await l->upstream.async_read_some(asio::buffer(buf), nothrow);
        if (ec) break;
        const auto budget = l->response_budget;
        if (budget) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *budget));
        auto [wec, wn] = co_await asio::async_write(l->client, asio::buffer(buf.data(), n), nothrow);
        if (wec) break;
        if (budget) {
            l->response_budget = *budget - n;
            if (*l->response_budget == 0) break;
        }
    }
    l->close();
}

}  // namespace

fault_proxy::fault_proxy(std::string target_host, std::uint16_t target_port)
    : target_host_(std::move(target_host)),
      target_port_(target_port),
      acceptor_(ioc_, {asio::ip::make_address_v4("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
}

fault_proxy::~fault_proxy() { stop(); }

void fault_proxy::stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
}

std::string fault_proxy::address() const { return "127.0.0.1:" + std::to_string(port_); }

void fault_proxy::add_rule(rule r) {
    std::lock_guard lock(mutex_);
    rules_.push_back(std::move(r));
}

fault_proxy::rule fault_proxy::rule_for(std::string method, const std::string& path_regex, unsigned count) {
    rule r;
    r.method = std::move(method);
    r.path = std::regex(path_regex, std::regex::ECMAScript);
    r.remaining = count;
    return r;
}

void fault_proxy::answer(std::string method, const std::string& path_regex, unsigned count,
                         injected_response response) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.response = std::move(response);
    add_rule(std::move(r));
}

void fault_proxy::answer_if_query(std::string method, const std::string& path_regex, const std::string& query_regex,
                                  unsigned count, injected_response response) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.query = std::regex(query_regex, std::regex::ECMAScript);
    r.response = std::move(response);
    add_rule(std::move(r));
}

void fault_proxy::answer_500(std::string method, const std::string& path_regex, unsigned count) {
    answer(std::move(method), path_regex, count, injected_response{});
}

void fault_proxy::answer_429(std::string method, const std::string& path_regex, unsigned count,
                             std::chrono::seconds retry_after) {
    injected_response r;
    r.status = 429;
    r.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
    answer(std::move(method), path_regex, count, std::move(r));
}

void fault_proxy::drop_requests(std::string method, const std::string& path_regex, unsigned count,
                                std::uint64_t after_body_bytes) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.drop = true;
    r.drop_after = after_body_bytes;
    add_rule(std::move(r));
}

void fault_proxy::cut_responses(std::string method, const std::string& path_regex, unsigned count,
                                std::uint64_t response_bytes) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.cut_response_after = response_bytes;
    add_rule(std::move(r));
}

void fault_proxy::strip_query(std::string method, const std::string& path_regex, unsigned count) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.strip_query = true;
    add_rule(std::move(r));
}

void fault_proxy::stall_requests(std::string method, const std::string& path_regex, unsigned count) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.stall = true;
    add_rule(std::move(r));
}

void fault_proxy::hold_requests_until(std::string method, const std::string& path_regex,
                                      const std::string& query_regex, unsigned count, std::string release_method,
                                      const std::string& release_query_regex, std::chrono::milliseconds longest) {
    rule r = rule_for(std::move(method), path_regex, count);
    r.query = std::regex(query_regex, std::regex::ECMAScript);
    r.held = rule::hold{std::move(release_method), std::regex(release_query_regex, std::regex::ECMAScript), longest};
    add_rule(std::move(r));
}

bool fault_proxy::forwarded(const std::string& method, const std::regex& query) const {
    std::lock_guard lock(mutex_);
    return std::any_of(requests_.begin(), requests_.end(), [&](const proxied_request& r) {
        const auto mark = r.target.find('?');
        return r.method == method && r.outcome == fault_outcome::passed && mark != std::string::npos &&
               std::regex_search(r.target.substr(mark + 1), query);
    });
}

void fault_proxy::drop_connections_after(std::uint64_t client_bytes, unsigned connections) {
    std::lock_guard lock(mutex_);
    for (unsigned i = 0; i < connections; ++i) connection_budgets_.push_back(client_bytes);
}

void fault_proxy::clear_scripts() {
    std::lock_guard lock(mutex_);
    rules_.clear();
    connection_budgets_.clear();
}

std::size_t fault_proxy::pending_scripts() const {
    std::lock_guard lock(mutex_);
    return rules_.size() + connection_budgets_.size();
}

std::vector<proxied_request> fault_proxy::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::uint64_t fault_proxy::bytes_upstream() const {
    std::lock_guard lock(mutex_);
    return bytes_upstream_;
}

std::size_t fault_proxy::connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
}

std::optional<fault_proxy::rule> fault_proxy::take_rule(const std::string& method, const std::string& target) {
    const auto mark = target.find('?');
    const auto path = target.substr(0, mark);
    const auto query = mark == std::string::npos ? std::string() : target.substr(mark + 1);
    std::lock_guard lock(mutex_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        if (!it->method.empty() && it->method != method) continue;
        if (!std::regex_search(path, it->path)) continue;
        if (it->query && !std::regex_search(query, *it->query)) continue;
        rule r = *it;
        if (--it->remaining == 0) rules_.erase(it);
        return r;
    }
    return std::nullopt;
}

void fault_proxy::record(proxied_request r) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(r));
}

asio::awaitable<void> fault_proxy::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) continue;
        asio::co_spawn(ioc_, handle(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> fault_proxy::handle(tcp::socket client) {
    auto l = std::make_shared<link>(std::move(client), ioc_);
    {
        std::lock_guard lock(mutex_);
        l->id = ++connections_;
        if (!connection_budgets_.empty()) {
            l->budget = connection_budgets_.front();
            connection_budgets_.pop_front();
        }
    }
    if (l->budget && *l->budget == 0) {
        l->close();
        co_return;
    }
    tcp::resolver resolver(ioc_);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(target_host_, std::to_string(target_port_), nothrow);
    if (rec) {
        l->close();
        co_return;
    }
    l->upstream.expires_after(std::chrono::seconds(10));
    auto [cec, ep] = co_await l->upstream.async_connect(endpoints, nothrow);
    l->upstream.expires_never();
    if (cec) {
        l->close();
        co_return;
    }
    asio::co_spawn(ioc_, relay_responses(l), asio::detached);
    co_await relay_requests(l);
}

asio::awaitable<void> fault_proxy::relay_requests(std::shared_ptr<link> l) {
    std::string buf;
    std::array<char, read_chunk> chunk;

    auto read_more = [&]() -> asio::awaitable<bool> {
        auto [ec, n] = co_await l->client.async_read_some(asio::buffer(chunk), nothrow);
        if (ec) co_return false;
        buf.append(chunk.data(), n);
        co_return true;
    };
    // Forwards the first n bytes of buf, within the connection's budget. False when the
    // connection is gone (budget used up or a write failed).
    auto forward = [&](std::size_t n) -> asio::awaitable<bool> {
        bool exhausted = false;
        if (l->budget) {
            std::uint64_t allowed = *l->budget - l->forwarded;
            if (n >= allowed) {
                n = static_cast<std::size_t>(allowed);
                exhausted = true;
            }
        }
        if (n > 0) {
            auto [ec, written] =
                co_await asio::async_write(l->upstream, asio::buffer(buf.data(), n), nothrow);
            l->forwarded += written;
            {
                std::lock_guard lock(mutex_);
                bytes_upstream_ += written;
            }
            if (ec) exhausted = true;
        }
        buf.erase(0, n);
        if (exhausted) l->close();
        co_return !exhausted;
    };
    auto client_eof = [&] {
        beast::error_code ignored;
        l->upstream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    };

    if (!co_await read_more()) co_return client_eof();
    if (!looks_like_http(buf.front())) {
        do {
            if (!co_await forward(buf.size())) co_return;
        } while (co_await read_more());
        co_return client_eof();
    }

    for (;;) {
        std::optional<request_head> head;
        try {
            while (!(head = parse_request_head(buf))) {
                if (!co_await read_more()) {
                    if (buf.empty()) co_return client_eof();
                    co_return l->close();
                }
            }
        } catch (const std::invalid_argument& e) {
            record({l->id, "?", e.what(), fault_outcome::dropped, 0});
            co_return l->close();
        }

        auto script = take_rule(head->method, head->target);
        if (script && script->held) {
            const auto until = std::chrono::steady_clock::now() + script->held->longest;
            asio::steady_timer pause(co_await asio::this_coro::executor);
            while (!forwarded(script->held->release_method, script->held->release_query) &&
                   std::chrono::steady_clock::now() < until) {
                pause.expires_after(std::chrono::milliseconds(10));
                co_await pause.async_wait(nothrow);
            }
            script.reset();  // then forwarded like any other
        }
        proxied_request rec{l->id, head->method, head->target, fault_outcome::passed, 0};
        if (script && script->strip_query) {
            // The head starts with "METHOD SP target SP": replace the target in place.
            const auto path = head->path();
            buf.replace(head->method.size() + 1, head->target.size(), path);
            head->size -= head->target.size() - path.size();
            rec.outcome = fault_outcome::rewritten;
            script.reset();
        } else if (script && script->stall) {
            record({l->id, head->method, head->target, fault_outcome::stalled, 0});
            while (co_await read_more()) buf.clear();
            co_return l->close();
        } else if (script && script->cut_response_after) {
            rec.outcome = fault_outcome::dropped;
            l->response_budget = *script->cut_response_after;
            script.reset();  // the request itself goes through untouched
        } else if (script) {
            rec.outcome = script->drop ? fault_outcome::dropped : fault_outcome::answered;
            rec.status = script->drop ? 0 : script->response.status;
        }
        record(rec);

        body_framer body(*head);
        if (!script || script->drop) {
            if (!co_await forward(head->size)) co_return;
            std::uint64_t allowance = script ? script->drop_after : UINT64_MAX;
            try {
                while (!body.complete() && allowance > 0) {
                    if (buf.empty() && !co_await read_more()) co_return l->close();
                    std::size_t n = body.consume(std::string_view(buf).substr(
                        0, static_cast<std::size_t>(std::min<std::uint64_t>(allowance, buf.size()))));
                    if (script) allowance -= n;
                    if (!co_await forward(n)) co_return;
                }
            } catch (const std::invalid_argument&) {
                co_return l->close();
            }
            if (script) co_return l->close();
            continue;
        }

        buf.erase(0, head->size);
        if (script->response.before_body) {
            std::string answer = serialize(script->response, head->method == "HEAD", true);
            auto [wec, wn] = co_await asio::async_write(l->client, asio::buffer(answer), nothrow);
            if (wec) co_return l->close();
            beast::error_code ignored;
            l->client.socket().shutdown(tcp::socket::shutdown_send, ignored);
            asio::steady_timer unread(co_await asio::this_coro::executor, std::chrono::milliseconds(500));
            co_await unread.async_wait(nothrow);
            co_return l->close();  // with the body unread: the client's writes are reset
        }
        // A client waiting for 100 Continue may or may not send its body: close instead of
        // guessing where the next request starts.
        const bool close =
            script->response.close_connection || head->expects_continue || head->connection_close;
        if (!head->expects_continue) {
            try {
                while (!body.complete()) {
                    if (buf.empty() && !co_await read_more()) co_return l->close();
                    buf.erase(0, body.consume(buf));
                }
            } catch (const std::invalid_argument&) {
                co_return l->close();
            }
        }
        std::string answer = serialize(script->response, head->method == "HEAD", close);
        auto [wec, wn] = co_await asio::async_write(l->client, asio::buffer(answer), nothrow);
        if (wec) co_return l->close();
        if (close) {
            // Drain what the client still sends so that closing does not reset the connection
            // before it has read the answer.
            beast::error_code ignored;
            l->client.socket().shutdown(tcp::socket::shutdown_send, ignored);
            l->client.expires_after(std::chrono::seconds(2));
            while (co_await read_more()) buf.clear();
            co_return l->close();
        }
    }
}

std::size_t count_requests(const fault_proxy& proxy, std::size_t from, const std::string& method,
                           const std::vector<std::string>& parts)
{
    const auto all = proxy.requests();
    return static_cast<std::size_t>(
        std::count_if(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(), [&](const proxied_request& r) {
            return r.method == method && std::all_of(parts.begin(), parts.end(), [&](const std::string& p) {
                       return r.target.find(p) != std::string::npos;
                   });
        }));
}

std::size_t count_greetings(const fault_proxy& proxy, std::size_t from)
{
    const auto all = proxy.requests();
    return static_cast<std::size_t>(std::count_if(all.begin() + static_cast<std::ptrdiff_t>(from), all.end(),
                                                  [](const proxied_request& r) { return r.method == "GET" && r.target == "/v2/"; }));
}

}  // namespace lading::test
