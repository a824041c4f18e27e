// A registry failure decided without I/O: its kind, its one-line message and, when it is an
// answer the request did not accept, the status (thrown as registry_error then).
#pragma once

#include <optional>
#include <string>
#include <system_error>

namespace lading::registry::sansio {

struct failure {
    std::error_code code;
    std::string message;
    std::optional<unsigned> status;
};

}  // namespace lading::registry::sansio
