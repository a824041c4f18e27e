// A PEM certificate (chain) and its private key, as servers load them.
#pragma once

#include <filesystem>

namespace lading::test {

struct tls_files {
    std::filesystem::path certificate{};
    std::filesystem::path key{};
};

}  // namespace lading::test
