#include "registry_fixtures/http_request_framing.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <boost/beast/core/string.hpp>

namespace lading::test {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool contains_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        auto comma = list.find(',');
        if (boost::beast::iequals(trim(list.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

// True when the last coding of a Transfer-Encoding list is chunked.
bool last_coding_is_chunked(std::string_view list) {
    auto comma = list.rfind(',');
    return boost::beast::iequals(trim(comma == std::string_view::npos ? list : list.substr(comma + 1)),
                                 "chunked");
}

constexpr std::size_t max_chunk_line = 4096;

}  // namespace

std::string request_head::path() const { return target.substr(0, target.find('?')); }

std::string request_head::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (boost::beast::iequals(k, name)) return v;
    return {};
}

std::optional<request_head> parse_request_head(std::string_view data, std::size_t max_size) {
    // Tolerate blank lines before a request line (RFC 9112 §2.2).
    std::size_t start = 0;
    while (data.substr(start, 2) == "\r\n") start += 2;
    auto end = data.find("\r\n\r\n", start);
    if (end == std::string_view::npos) {
        if (data.size() > max_size) throw std::invalid_argument("request head too long");
        return std::nullopt;
    }
    if (end + 4 > max_size) throw std::invalid_argument("request head too long");

    request_head head;
    head.size = end + 4;  // `end` counts from the start of `data`, skipped blank lines included
    std::string_view text = data.substr(start, end - start);
    auto line_end = text.find("\r\n");
    std::string_view request_line = text.substr(0, line_end);
    auto sp1 = request_line.find(' ');
    auto sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1 || request_line.substr(sp2 + 1).substr(0, 5) != "HTTP/")
        throw std::invalid_argument("bad request line: " + std::string(request_line));
    head.method = std::string(request_line.substr(0, sp1));
    head.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));

    bool has_length = false;
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view{} : text.substr(line_end + 2);
    while (!rest.empty()) {
        auto eol = rest.find("\r\n");
        std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            throw std::invalid_argument("bad header line: " + std::string(line));
        std::string_view name = line.substr(0, colon);
        std::string_view value = trim(line.substr(colon + 1));
        head.headers.emplace_back(std::string(name), std::string(value));
        if (boost::beast::iequals(name, "content-length")) {
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || p != value.data() + value.size())
                throw std::invalid_argument("bad Content-Length: " + std::string(value));
            if (has_length && n != head.content_length)
                throw std::invalid_argument("conflicting Content-Length headers");
            head.content_length = n;
            has_length = true;
        } else if (boost::beast::iequals(name, "transfer-encoding")) {
            head.chunked = last_coding_is_chunked(value);
            if (!head.chunked)
                throw std::invalid_argument("unsupported Transfer-Encoding: " + std::string(value));
        } else if (boost::beast::iequals(name, "expect")) {
            head.expects_continue = boost::beast::iequals(value, "100-continue");
        } else if (boost::beast::iequals(name, "connection")) {
            head.connection_close = contains_token(value, "close");
        }
    }
    if (head.chunked) head.content_length = 0;  // Transfer-Encoding wins (RFC 9112 §6.3)
    return head;
}

body_framer::body_framer(const request_head& head)
    : state_(head.chunked ? state::chunk_size : (head.content_length ? state::fixed : state::done)),
      remaining_(head.content_length) {}

std::size_t body_framer::consume(std::string_view data) {
    std::size_t used = 0;
    while (used < data.size() && state_ != state::done) {
        std::string_view rest = data.substr(used);
        switch (state_) {
            case state::fixed:
            case state::chunk_data: {
                auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
                used += n;
                remaining_ -= n;
                if (remaining_ == 0) state_ = state_ == state::fixed ? state::done : state::chunk_data_end;
                break;
            }
            case state::chunk_size:
            case state::chunk_data_end:
            case state::trailer: {
                auto nl = rest.find('\n');
                std::size_t take = nl == std::string_view::npos ? rest.size() : nl + 1;
                line_.append(rest.substr(0, take));
                used += take;
                if (line_.size() > max_chunk_line) throw std::invalid_argument("chunk line too long");
                if (nl == std::string_view::npos) break;
                std::string_view line = trim(std::string_view(line_).substr(0, line_.size() - 1));
                if (state_ == state::chunk_data_end) {
                    if (!line.empty()) throw std::invalid_argument("missing CRLF after chunk data");
                    state_ = state::chunk_size;
                } else if (state_ == state::trailer) {
                    if (line.empty()) state_ = state::done;
                } else {
                    std::string_view hex = line.substr(0, line.find(';'));
                    hex = trim(hex);
                    std::uint64_t n = 0;
                    auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), n, 16);
                    if (hex.empty() || ec != std::errc() || p != hex.data() + hex.size())
                        throw std::invalid_argument("bad chunk size: " + std::string(line));
                    remaining_ = n;
                    state_ = n == 0 ? state::trailer : state::chunk_data;
                }
                line_.clear();
                break;
            }
            case state::done:
                break;
        }
    }
    consumed_ += used;
    return used;
}

}  // namespace lading::test
