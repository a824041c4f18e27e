// Deterministic pseudo-random file content (xorshift), fast enough for hundreds of MB.
// The same seed always gives the same bytes, so two fixture trees built with the same seed
// have the same content.
#pragma once

#include <cstdint>
#include <filesystem>

namespace lading::test {

// Incompressible bytes.
void write_random_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed);
// Text-like bytes (words from a small vocabulary) that compress roughly 3:1, so that
// compressors do real work on every block.
void write_text_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed);

}  // namespace lading::test
