#include "common/environment_for_scope.hpp"

#include <cstdlib>

namespace lading::test {

namespace {
void put(const std::string& name, const std::optional<std::string>& value)
{
    if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
    else
        ::unsetenv(name.c_str());
}
}  // namespace

environment_for_scope::environment_for_scope(std::string name, const std::optional<std::string>& value)
    : name_(std::move(name))
{
    if (const char* was = std::getenv(name_.c_str())) was_ = was;
    put(name_, value);
}

environment_for_scope::~environment_for_scope() { put(name_, was_); }

}  // namespace lading::test
