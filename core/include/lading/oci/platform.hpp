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

    // "linux/amd64", "linux/arm/v7"; the result is normalized().
    static platform parse(std::string_view text);
    // This machine's, normalized().
    static platform host();

    // The form lading writes into indexes and compares platforms by, as containerd
    // normalises: architecture aliases (x86_64 → amd64, aarch64 → arm64, armhf → arm/v7,
    // armel → arm/v6, armv7l → arm/v7, i386 → 386), no variant for arm64 v8 or amd64 v1,
    // and v7 for arm with none.
    platform normalized() const;

    std::string str() const;
    boost::json::object to_json() const;
    friend bool operator==(const platform&, const platform&) = default;
};

}  // namespace lading
