// Catch2 v2 entry point of integration_tests (drives the real lading binary).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
