// Catch2 v2 entry point of tar_readers_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
