// Catch2 v2 entry point of mirror_tests (drives the real lading-mirror binary and embeds the server).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
