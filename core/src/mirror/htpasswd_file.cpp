#include "mirror/htpasswd_file.hpp"

#include <lading/error.hpp>
#include <lading/oci/digest.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detail/base64.hpp>

#include <openssl/crypto.h>

#include <crypt.h>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

namespace lading::mirror {

namespace asio = boost::asio;

namespace {

struct credentials {
    std::string user;
    std::string password;
};

std::optional<credentials> basic_credentials(std::string_view authorization)
{
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size() || !authorization.starts_with(scheme)) return std::nullopt;
    auto encoded = authorization.substr(scheme.size());
    std::string decoded(boost::beast::detail::base64::decoded_size(encoded.size()), '\0');
    auto [written, read] = boost::beast::detail::base64::decode(decoded.data(), encoded.data(), encoded.size());
    decoded.resize(written);
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

// Sizes first, then the bytes in constant time.
bool same(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// On the checks pool: 60 ms to 1 s of CPU for bcrypt.
bool crypt_matches(const std::string& password, const std::string& hash)
{
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* result = crypt_r(password.c_str(), hash.c_str(), data.get());
    return result && result[0] != '*' && same(hash, result);
}

}  // namespace

htpasswd_file::htpasswd_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in) throw error("cannot read the htpasswd file " + path.string());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (line.empty() || line.front() == '#' || colon == std::string::npos || colon == 0) continue;
        hashes_[line.substr(0, colon)] = line.substr(colon + 1);
    }
    if (hashes_.empty()) throw error("the htpasswd file " + path.string() + " has no user:hash line");
}

asio::awaitable<htpasswd_file::verdict> htpasswd_file::check(std::string_view authorization)
{
    auto given = basic_credentials(authorization);
    if (!given) co_return verdict::refused;
    auto fingerprint = digest::of(given->password).str();
    if (auto known = accepted_.find(given->user); known != accepted_.end() && same(known->second, fingerprint))
        co_return verdict::allowed;
    if (checks_waiting_ >= checks_waiting_at_most) co_return verdict::busy;
    auto hash = hashes_.find(given->user);
    const bool known_user = hash != hashes_.end();
    // An unknown user's password is checked against another user's hash and refused whatever comes out.
    const std::string& against = known_user ? hash->second : hashes_.begin()->second;
    ++checks_waiting_;
    struct done_waiting {
        std::size_t& count;
        ~done_waiting() { --count; }
    } counted{checks_waiting_};
    const bool matches = co_await asio::co_spawn(
        checks_, [&]() -> asio::awaitable<bool> { co_return crypt_matches(given->password, against); },
        asio::use_awaitable);
    if (!known_user || !matches) co_return verdict::refused;
    accepted_[given->user] = fingerprint;
    co_return verdict::allowed;
}

}  // namespace lading::mirror
