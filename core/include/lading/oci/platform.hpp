// OS/architecture/variant triples as OCI descriptors and configs carry them.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace lading {

struct platform {
    std::string os;
    std::string architecture;
    std::string variant;

    // "linux/amd64", "linux/arm/v7"; normalises aliases (x86_64 → amd64, aarch64 → arm64).
    static platform parse(std::string_view text);
    static platform host();

    std::string str() const;
    boost::json::object to_json() const;
    friend bool operator==(const platform&, const platform&) = default;
};

}  // namespace lading
