// Bearer tokens shared by the registry sessions of one process. An export opens a session
// per streamed layer and one for the push; a session that needs a token another one already
// got, for the same registry address, token realm and service, credentials and scopes (the
// key authenticator::sharing_key makes), takes it instead of asking the token server again.
// A token is only ever found under the key it was issued for. Thread-safe.
#pragma once

#include "async/single_flight.hpp"
#include "registry/expiring_tokens.hpp"

#include <mutex>

namespace lading::registry {

class shared_tokens {
public:
    using clock = expiring_tokens::clock;
    static constexpr std::size_t limit = 1024;
    // Larger tokens are not kept (a hostile token server must not grow the table to GiBs).
    static constexpr std::size_t largest_token = 64 << 10;

    // The table of this process, never destroyed (sessions may outlive static destructors).
    static shared_tokens& of_process();

    std::optional<expiring_token> find(const std::string& key, clock::time_point now) const;
    void keep(const std::string& key, expiring_token token, clock::time_point now);
    // The token fetches under way, by key: a session that needs one being fetched waits.
    async::single_flight& fetches() { return fetches_; }

private:
    mutable std::mutex mutex_;
    expiring_tokens tokens_{limit};
    async::single_flight fetches_;
};

}  // namespace lading::registry
