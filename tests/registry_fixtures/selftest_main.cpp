// Catch2 v2 entry point of registry_fixtures_selftest.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
