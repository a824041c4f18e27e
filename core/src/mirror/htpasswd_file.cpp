#include "mirror/htpasswd_file.hpp"

#include <lading/error.hpp>
#include <lading/oci/digest.hpp>

#include <boost/beast/core/detail/base64.hpp>

#include <crypt.h>
#include <cstring>
#include <fstream>
#include <memory>

namespace lading::mirror {

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

bool htpasswd_file::allows(std::string_view authorization)
{
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size() || !authorization.starts_with(scheme)) return false;
    auto encoded = authorization.substr(scheme.size());
    std::string decoded(boost::beast::detail::base64::decoded_size(encoded.size()), '\0');
    auto [written, read] = boost::beast::detail::base64::decode(decoded.data(), encoded.data(), encoded.size());
    decoded.resize(written);
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    auto user = decoded.substr(0, colon);
    auto password = decoded.substr(colon + 1);
    auto hash = hashes_.find(user);
    if (hash == hashes_.end()) return false;
    auto fingerprint = digest::of(password).str();
    if (auto known = accepted_.find(user); known != accepted_.end() && known->second == fingerprint) return true;
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* result = crypt_r(password.c_str(), hash->second.c_str(), data.get());
    if (!result || result[0] == '*' || hash->second != result) return false;
    accepted_[user] = fingerprint;
    return true;
}

}  // namespace lading::mirror
