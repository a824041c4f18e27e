// Platforms as OCI descriptors and configs carry them: OS, architecture, variant, and the
// OS version and features that tell Windows releases apart.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lading {

struct platform {
    std::string os;
    std::string architecture;
    std::string variant;
    std::string os_version = {};                // "os.version", e.g. 10.0.17763.5820
    std::vector<std::string> os_features = {};  // "os.features", e.g. win32k

    // "linux/amd64", "linux/arm/v7", "windows(10.0.17763)/amd64", "windows(10.0.17763+win32k)/amd64";
    // the result is normalized().
    static platform parse(std::string_view text);
    // This machine's, normalized().
    static platform host();
    // The platform fields of an image config or of a descriptor's "platform" object, as given
    // (not normalised); throws lading::error naming `what` when os.version or os.features has
    // the wrong type.
    static platform from_json(const boost::json::object& o, const std::string& what);

    // The form lading writes into indexes and compares platforms by, as containerd
    // normalises: architecture aliases (x86_64 → amd64, aarch64 → arm64, armhf → arm/v7,
    // armel → arm/v6, armv7l → arm/v7, i386 → 386), no variant for arm64 v8 or amd64 v1,
    // v7 for arm with none, and os.features sorted without repeats.
    platform normalized() const;

    // Whether an image for `candidate` serves a request for this platform, as containerd's
    // matcher decides: the same normalised OS, architecture and variant (a request without a
    // variant asks for the default one: amd64 is not amd64/v3); for Windows an os.version
    // the requested one can run (when both give one); every os.features of the candidate
    // requested (Windows' win32k aside).
    bool matches(const platform& candidate) const;

    // "os/arch[/variant]", as --platform takes it and purls and annotation keys name it.
    std::string str() const;
    // str() with the OS version and features, as containerd formats them:
    // "windows(10.0.17763+win32k)/amd64".
    std::string full_str() const;
    boost::json::object to_json() const;
    friend bool operator==(const platform&, const platform&) = default;
};

}  // namespace lading
