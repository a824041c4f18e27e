// Big temporary files go where TMPDIR says, else to /var/tmp rather than /tmp.
#include "posix/big_file_directory.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

// Sets TMPDIR (or unsets it) for the scope, then puts back what it was.
class tmpdir_for_scope {
public:
    explicit tmpdir_for_scope(const std::optional<std::string>& value)
    {
        if (const char* was = std::getenv("TMPDIR")) was_ = was;
        if (value)
            ::setenv("TMPDIR", value->c_str(), 1);
        else
            ::unsetenv("TMPDIR");
    }
    ~tmpdir_for_scope()
    {
        if (was_)
            ::setenv("TMPDIR", was_->c_str(), 1);
        else
            ::unsetenv("TMPDIR");
    }

private:
    std::optional<std::string> was_;
};

}  // namespace

TEST_CASE("big temporary files go to TMPDIR when it is set, else to /var/tmp", "[posix]")
{
    {
        tmpdir_for_scope set("/srv/scratch");
        CHECK(lading::big_file_directory() == "/srv/scratch");
    }
    {
        tmpdir_for_scope unset(std::nullopt);
        CHECK(lading::big_file_directory() == "/var/tmp");
    }
    {
        tmpdir_for_scope empty("");
        CHECK(lading::big_file_directory() == "/var/tmp");
    }
}
