// A TCP proxy from 127.0.0.1:<port> to a plain-HTTP server (a registry), on its own thread,
// that injects faults on a script:
//  - per accepted connection: drop it once N bytes from the client have been forwarded
//    (N = 0 closes it on accept);
//  - per HTTP request whose method and path match: answer it here (500, 429 + Retry-After,
//    anything) without forwarding, forward the head and the first N body bytes and then
//    drop the connection, cut the answer after N bytes, forward it without its query, or
//    stall it (never forwarded nor answered: the client waits, e.g. to be killed mid-push),
//    or hold it back until the client sent another request (or for a while) before
//    forwarding it.
// Each script applies to the next `count` matches, then expires; the first live script that
// matches wins. Requests are framed by Content-Length / chunked so scripts work on
// keep-alive connections. An injected answer consumes the request body first, so the
// connection stays usable, unless the script asks for `Connection: close` or the client
// waits for `100 Continue` (then the proxy answers, shuts down its side and drains), or the
// script answers before the body (then the body is never read and the connection is reset).
// Responses are relayed unparsed, so clients must not pipeline requests (HTTP clients do not).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "registry_fixtures/http_client.hpp"

namespace lading::test {

struct injected_response {
    unsigned status = 500;
    header_list headers{};  // extra headers, e.g. {"Retry-After", "1"}
    std::string body{};     // empty: a registry-style {"errors":[...]} body
    bool close_connection = false;
    // Answer right after the request's head and close the connection half a second later
    // with the body unread, as Go's net/http does for a handler that refused a large body:
    // the client's further writes are reset.
    bool before_body = false;
};

enum class fault_outcome { passed, answered, dropped, rewritten, stalled };

struct proxied_request {
    std::size_t connection = 0;  // 1-based, in accept order
    std::string method{};        // "?" when the head could not be parsed
    std::string target{};        // then: why
    fault_outcome outcome = fault_outcome::passed;
    unsigned status = 0;  // for answered
};

class fault_proxy {
public:
    // Listens before returning; connects upstream per accepted connection.
    fault_proxy(std::string target_host, std::uint16_t target_port);
    ~fault_proxy();
    fault_proxy(const fault_proxy&) = delete;
    fault_proxy& operator=(const fault_proxy&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const;  // "127.0.0.1:PORT"

    // method: exact ("PATCH"), empty for any. path_regex: ECMAScript, searched in the target
    // without its query (anchor with ^...$ for an exact path).
    void answer(std::string method, const std::string& path_regex, unsigned count,
                injected_response response);
    // As answer, only for requests whose query (what follows '?') matches query_regex too,
    // e.g. a cross-repository mount (POST .../blobs/uploads/?mount=D&from=R).
    void answer_if_query(std::string method, const std::string& path_regex, const std::string& query_regex,
                         unsigned count, injected_response response);
    void answer_500(std::string method, const std::string& path_regex, unsigned count = 1);
    void answer_429(std::string method, const std::string& path_regex, unsigned count = 1,
                    std::chrono::seconds retry_after = std::chrono::seconds(1));
    // Forwards the head and up to `after_body_bytes` body bytes (chunk framing counted),
    // then closes both sides. A limit beyond the body forwards the whole request and drops
    // the connection before the answer (the server may or may not have acted on it).
    void drop_requests(std::string method, const std::string& path_regex, unsigned count = 1,
                       std::uint64_t after_body_bytes = 0);
    // Forwards matching requests, then relays only the first `response_bytes` bytes of the
    // answer (head included) and closes both sides: a download broken off mid-body.
    void cut_responses(std::string method, const std::string& path_regex, unsigned count,
                       std::uint64_t response_bytes);
    // Forwards matching requests with the query removed from their target, e.g. a
    // cross-repository mount POST /v2/R/blobs/uploads/?mount=D&from=S becomes a plain
    // upload start, which the registry answers 202 as one that declines the mount.
    void strip_query(std::string method, const std::string& path_regex, unsigned count);
    // Matching requests are neither forwarded nor answered; the connection stays open, its
    // further bytes discarded, until the client closes it or the proxy stops.
    void stall_requests(std::string method, const std::string& path_regex, unsigned count = 1);
    // Matching requests whose query matches query_regex too are held until the proxy has
    // forwarded a request with `release_method` whose query matches release_query_regex (on
    // another connection), or for `longest`; then they are forwarded untouched. They are
    // recorded when forwarded, so requests() lists them after what released them.
    void hold_requests_until(std::string method, const std::string& path_regex, const std::string& query_regex,
                             unsigned count, std::string release_method, const std::string& release_query_regex,
                             std::chrono::milliseconds longest);
    // The next `connections` accepted connections are dropped after forwarding
    // `client_bytes` bytes from the client.
    void drop_connections_after(std::uint64_t client_bytes, unsigned connections = 1);
    void clear_scripts();
    // Request and connection scripts that have not fired their full count yet.
    std::size_t pending_scripts() const;

    std::vector<proxied_request> requests() const;
    std::uint64_t bytes_upstream() const;  // client bytes forwarded to the target
    std::size_t connections() const;

    // Closes everything and joins the thread. Idempotent.
    void stop();

private:
    struct rule {
        std::string method;
        std::regex path;
        std::optional<std::regex> query;
        unsigned remaining = 0;
        bool drop = false;
        std::uint64_t drop_after = 0;
        std::optional<std::uint64_t> cut_response_after;
        bool strip_query = false;
        bool stall = false;
        struct hold {
            std::string release_method;
            std::regex release_query;
            std::chrono::milliseconds longest;
        };
        std::optional<hold> held;
        injected_response response;
    };
    struct link;

    static rule rule_for(std::string method, const std::string& path_regex, unsigned count);

    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> handle(boost::asio::ip::tcp::socket client);
    boost::asio::awaitable<void> relay_requests(std::shared_ptr<link> l);
    std::optional<rule> take_rule(const std::string& method, const std::string& target);
    bool forwarded(const std::string& method, const std::regex& query) const;
    void record(proxied_request r);
    void add_rule(rule r);

    std::string target_host_;
    std::uint16_t target_port_;

    mutable std::mutex mutex_;
    std::vector<rule> rules_;
    std::deque<std::uint64_t> connection_budgets_;
    std::vector<proxied_request> requests_;
    std::uint64_t bytes_upstream_ = 0;
    std::size_t connections_ = 0;

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// Requests the proxy relayed after the first `from`, with `method`, whose target contains
// every one of `parts`.
std::size_t count_requests(const fault_proxy& proxy, std::size_t from, const std::string& method,
                           const std::vector<std::string>& parts);
// The greetings (GET /v2/) the proxy relayed after the first `from` requests.
std::size_t count_greetings(const fault_proxy& proxy, std::size_t from = 0);

}  // namespace lading::test
