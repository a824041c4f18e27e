// Big temporary files go where TMPDIR says, else to /var/tmp rather than /tmp.
#include "posix/big_file_directory.hpp"

#include "common/environment_for_scope.hpp"

#include <catch2/catch.hpp>

#include <optional>

using lading::test::environment_for_scope;

TEST_CASE("big temporary files go to TMPDIR when it is set, else to /var/tmp", "[posix]")
{
    {
        environment_for_scope set("TMPDIR", "/srv/scratch");
        CHECK(lading::big_file_directory() == "/srv/scratch");
    }
    {
        environment_for_scope unset("TMPDIR", std::nullopt);
        CHECK(lading::big_file_directory() == "/var/tmp");
    }
    {
        environment_for_scope empty("TMPDIR", "");
        CHECK(lading::big_file_directory() == "/var/tmp");
    }
}
