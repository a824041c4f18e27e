// The two kinds of failure a lading user can meet, each carrying one line of text and, where
// a program may want to react to the kind of failure, a std::error_code.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace lading {

// Something went wrong while doing the work (I/O, bad layer, plugin failure): exit 1.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    error(std::error_code code, const std::string& message) : std::runtime_error(message), code_(code) {}

    // What kind of failure this is (e.g. a lading::registry::errc); empty when lading names none.
    std::error_code code() const noexcept { return code_; }

private:
    std::error_code code_;
};

// The request itself is malformed (bad --output, bad flag): exit 2.
class usage_error : public error {
public:
    using error::error;
};

}  // namespace lading
