// Content digests ("sha256:<64 hex>") and the incremental hasher that makes them.
#pragma once

#include <lading/formats/sha256.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lading {

class digest {
public:
    digest() = default;  // empty until assigned
    // Accepts only "sha256:" followed by 64 lowercase hex digits, so a digest is always
    // safe to use in a path or a URL.
    static std::optional<digest> parse(std::string_view text);
    // Like parse, but throws lading::error naming `what` when the text is not a digest.
    static digest parse_or_throw(std::string_view text, std::string_view what);
    static digest of(std::string_view bytes);

    const std::string& str() const { return value_; }
    std::string_view hex() const { return std::string_view(value_).substr(7); }

    friend bool operator==(const digest&, const digest&) = default;
    friend auto operator<=>(const digest&, const digest&) = default;

private:
    explicit digest(std::string value) : value_(std::move(value)) {}
    std::string value_;
    friend class sha256_hasher;
};

class sha256_hasher {
public:
    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view bytes);
    digest finish();
    std::uint64_t bytes() const { return bytes_; }

private:
    formats::sha256 hasher_;
    std::uint64_t bytes_ = 0;
};

}  // namespace lading
