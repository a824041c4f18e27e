// Catch2 v2 entry point of convert_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
