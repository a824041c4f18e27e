// A thread-safe log of the requests a fixture server received, headers included, so that a
// test can assert for example that a host never saw an Authorization header.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry_fixtures/http_types.hpp"

namespace lading::test {

struct recorded_request {
    std::string method{};
    std::string target{};
    std::vector<std::pair<std::string, std::string>> headers{};  // in arrival order

    bool has_header(std::string_view name) const;     // case-insensitive
    std::string header(std::string_view name) const;  // first value, or ""
};

class header_recorder {
public:
    void record(const http_request& request);
    std::vector<recorded_request> requests() const;
    std::size_t size() const;
    // How many recorded requests carry the header.
    std::size_t count_with_header(std::string_view name) const;
    void clear();

private:
    mutable std::mutex mutex_;
    std::vector<recorded_request> requests_;
};

}  // namespace lading::test
