// The two kinds of failure a lading user can meet, each carrying one line of text.
#pragma once

#include <stdexcept>
#include <string>

namespace lading {

// Something went wrong while doing the work (I/O, bad layer, plugin failure): exit 1.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The request itself is malformed (bad --output, bad flag): exit 2.
class usage_error : public error {
public:
    using error::error;
};

}  // namespace lading
