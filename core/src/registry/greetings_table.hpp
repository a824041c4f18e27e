// The inside of lading::registry::greetings: what each registry's greeting taught, by the
// key of the settings that decide its answer, and the greetings under way.
#pragma once

#include <lading/registry/greetings.hpp>

#include "async/single_flight.hpp"
#include "registry/host_address.hpp"
#include "registry/url.hpp"

#include <chrono>
#include <filesystem>
#include <system_error>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lading::registry {

struct greeting {
    url base;                              // https://host/ or http://host/
    std::optional<std::string> challenge;  // the WWW-Authenticate of a 401, none for a 200
    host_reach reach = host_reach::outside;  // the furthest inside the addresses reached were
};

// The settings a greeting's answer depends on, as one key (each part length-prefixed).
std::string greeting_key(const std::string& host, bool insecure, bool plain_http,
                         const std::vector<std::filesystem::path>& extra_ca);

// How a greeting went unanswered, for the sessions that waited for it.
struct greeting_failure {
    std::error_code code;
    std::string message;
    std::chrono::steady_clock::time_point when;
};

struct greetings::table {
    std::optional<greeting> find(const std::string& key) const;
    void keep(const std::string& key, greeting g);
    // A failure is only given to sessions that began to wait before it: a later session
    // greets the registry itself.
    void keep_failure(const std::string& key, greeting_failure f);
    std::optional<greeting_failure> failure_since(const std::string& key,
                                                  std::chrono::steady_clock::time_point since) const;

    async::single_flight under_way;

private:
    mutable std::mutex mutex_;
    std::map<std::string, greeting> learned_;
    std::map<std::string, greeting_failure> failures_;
};

}  // namespace lading::registry
