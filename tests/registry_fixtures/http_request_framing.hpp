// Finds HTTP/1.1 request boundaries in a raw client byte stream, for the TCP-level fault
// proxy: the request head, then a body framed by Content-Length or chunked
// Transfer-Encoding. It parses no more than that (no header folding, no validation of
// header values beyond the framing ones).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lading::test {

struct request_head {
    std::string method{};
    std::string target{};
    std::vector<std::pair<std::string, std::string>> headers{};
    std::size_t size = 0;  // bytes of the request line and headers, blank line included
    bool chunked = false;
    std::uint64_t content_length = 0;  // when not chunked
    bool expects_continue = false;
    bool connection_close = false;

    // The target without its query.
    std::string path() const;
    // The first header with that name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

// Parses the head at the start of `data`. nullopt while the blank line has not arrived.
// Throws std::invalid_argument when the head is malformed or longer than max_size.
std::optional<request_head> parse_request_head(std::string_view data, std::size_t max_size = 64 * 1024);

// Follows one request body as its bytes arrive.
class body_framer {
public:
    explicit body_framer(const request_head& head);

    // How many leading bytes of `data` belong to this body (the rest is the next request).
    // Throws std::invalid_argument on a malformed chunked encoding.
    std::size_t consume(std::string_view data);
    bool complete() const { return state_ == state::done; }
    // Body bytes consumed so far, chunk framing included.
    std::uint64_t consumed() const { return consumed_; }

private:
    enum class state { fixed, chunk_size, chunk_data, chunk_data_end, trailer, done };
    state state_;
    std::uint64_t remaining_ = 0;
    std::uint64_t consumed_ = 0;
    std::string line_;
};

}  // namespace lading::test
