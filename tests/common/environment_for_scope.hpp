// An environment variable set (or unset) for a scope of a test, then put back as it was. The
// process environment is shared by every thread: use it where nothing else reads it meanwhile.
#pragma once

#include <optional>
#include <string>

namespace lading::test {

class environment_for_scope {
public:
    // `value` nullopt: the variable is unset for the scope.
    environment_for_scope(std::string name, const std::optional<std::string>& value);
    ~environment_for_scope();
    environment_for_scope(const environment_for_scope&) = delete;
    environment_for_scope& operator=(const environment_for_scope&) = delete;

private:
    std::string name_;
    std::optional<std::string> was_;
};

}  // namespace lading::test
