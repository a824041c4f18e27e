// SHA-256 in core/formats against the NIST FIPS 180-4 example vectors, whole and fed in
// pieces, and the hasher starting over after each digest.
#include <lading/formats/sha256.hpp>

#include <catch2/catch.hpp>

using lading::formats::sha256;
using lading::formats::sha256_hex;

namespace {
constexpr const char* abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* two_blocks_input = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* two_blocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
}  // namespace

TEST_CASE("sha256 matches the NIST example vectors", "[formats][sha256]")
{
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == abc);
    CHECK(sha256_hex(two_blocks_input) == two_blocks);
    CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("sha256 of one million 'a's, fed in uneven pieces", "[formats][sha256]")
{
    sha256 hasher;
    const std::string piece(999, 'a');
    std::size_t left = 1'000'000;
    while (left > 0) {
        auto n = std::min(left, piece.size());
        hasher.update(std::string_view(piece).substr(0, n));
        left -= n;
    }
    CHECK(hasher.finish_hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 starts over after each digest and survives a move", "[formats][sha256]")
{
    sha256 hasher;
    hasher.update("ab");
    hasher.update(std::string_view("c"));
    CHECK(hasher.finish_hex() == abc);
    const std::string input = two_blocks_input;
    hasher.update(std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
    sha256 moved = std::move(hasher);
    CHECK(moved.finish_hex() == two_blocks);
    CHECK(moved.finish_hex() == sha256_hex(""));
}
