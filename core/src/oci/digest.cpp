#include <lading/oci/digest.hpp>
#include <lading/error.hpp>

#include <lading/formats/sha256.hpp>

namespace lading {

namespace {
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

std::optional<digest> digest::parse(std::string_view text)
{
    constexpr std::string_view prefix = "sha256:";
    if (text.size() != prefix.size() + 64 || !text.starts_with(prefix)) return std::nullopt;
    for (char c : text.substr(prefix.size()))
        if (!is_lower_hex(c)) return std::nullopt;
    return digest(std::string(text));
}

digest digest::parse_or_throw(std::string_view text, std::string_view what)
{
    if (auto d = parse(text)) return *d;
    throw error(std::string(what) + " is not a sha256 digest: \"" + std::string(text.substr(0, 80)) + "\"");
}

digest digest::of(std::string_view bytes)
{
    sha256_hasher h;
    h.update(bytes);
    return h.finish();
}

void sha256_hasher::update(std::span<const std::uint8_t> bytes)
{
    hasher_.update(bytes);
    bytes_ += bytes.size();
}

void sha256_hasher::update(std::string_view bytes)
{
    update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

digest sha256_hasher::finish()
{
    bytes_ = 0;
    return digest("sha256:" + hasher_.finish_hex());
}

}  // namespace lading
