// Client Basic auth against an htpasswd file (`htpasswd -B`, as docker-registry uses): each
// line `user:hash`, checked with crypt(3) (bcrypt $2y$/$2b$, sha512crypt $6$, sha256crypt
// $5$). A password that checked once is remembered by its SHA-256, so bcrypt's cost is paid
// once per user and password. The other checks run on a pool of their own, so that a client
// guessing passwords does not hold up the strand; an unknown user costs a crypt too, so that
// the time an answer takes does not tell which user names exist. At most
// checks_waiting_at_most checks wait for the pool; past that a request is answered "busy"
// at once (429), so a flood of guesses cannot queue without bound ahead of a real user.
// Threading: check() is called on the mirror's strand only; the object outlives its pending
// checks (the server owns it, and the connections that wait for them hold the server).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace lading::mirror {

class htpasswd_file {
public:
    // Throws lading::error when the file cannot be read or has no valid line.
    explicit htpasswd_file(const std::filesystem::path& path);
    enum class verdict { allowed, refused, busy };
    static constexpr std::size_t checks_waiting_at_most = 32;

    // `authorization`: the request's Authorization header, alive until the answer. Answers at
    // once for a remembered password or when too many checks wait, else after crypt(3) on
    // the pool; resumes on the caller's executor.
    boost::asio::awaitable<verdict> check(std::string_view authorization);

private:
    std::size_t checks_waiting_ = 0;
    std::map<std::string, std::string> hashes_;    // user -> crypt hash; not changed after construction
    std::map<std::string, std::string> accepted_;  // user -> sha256 of a password that matched
    // Declared last: its destructor joins the checks under way before the hashes go.
    boost::asio::thread_pool checks_{2};
};

}  // namespace lading::mirror
