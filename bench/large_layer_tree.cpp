// Writes a reproducible tree of about SIZE bytes for bench/large-layer.sh: files of mixed
// sizes whose contents mix text, incompressible bytes, zero runs and small-alphabet data
// in roughly the proportions of real image layers. Same seed and size, same tree.
//
// Usage: large_layer_tree DIR SIZE_BYTES SEED
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

const char* const words[] = {"the",   "layer", "return", "static", "const", "int",  "void", "struct",
                             "usr",   "lib",   "share",  "include", "if",   "else", "for",  "while",
                             "error", "value", "config", "0x7f",   "data",  "name", "path", "size"};

void text(std::mt19937_64& rng, std::vector<char>& out, std::size_t n)
{
    std::geometric_distribution<int> pick(0.2);
    while (n > 0) {
        const char* w = words[std::min<std::size_t>(pick(rng), std::size(words) - 1)];
        std::string piece = w;
        piece += (rng() % 9 == 0) ? '\n' : ' ';
        std::size_t take = std::min(n, piece.size());
        out.insert(out.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take));
        n -= take;
    }
}

void random_bytes(std::mt19937_64& rng, std::vector<char>& out, std::size_t n)
{
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t v = rng();
        for (std::size_t j = 0; j < 8 && i + j < n; ++j) out.push_back(static_cast<char>(v >> (8 * j)));
    }
}

// Machine-code-like data: a small alphabet with repeats, compresses about 2:1.
void small_alphabet(std::mt19937_64& rng, std::vector<char>& out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>("\x00\x48\x89\xe8\x8b\x0f\xff\x24"[rng() % 8] + (rng() % 4)));
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: large_layer_tree DIR SIZE_BYTES SEED\n");
        return 2;
    }
    const std::filesystem::path root = argv[1];
    const std::uint64_t target = std::strtoull(argv[2], nullptr, 10);
    std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));
    std::uint64_t written = 0;
    std::vector<char> buffer;
    for (std::uint64_t file = 0; written < target; ++file) {
        // Mostly small and medium files, some large ones (up to 64 MiB).
        std::uint64_t size = rng() % 10 == 0 ? (1u << 20) + rng() % (63u << 20) : 512 + rng() % (256u << 10);
        size = std::min(size, target - written);
        std::filesystem::path dir = root / ("d" + std::to_string(file / 100));
        std::filesystem::create_directories(dir);
        std::ofstream out(dir / ("f" + std::to_string(file)), std::ios::binary);
        for (std::uint64_t left = size; left > 0;) {
            std::size_t run = static_cast<std::size_t>(std::min<std::uint64_t>(left, 4096 + rng() % (512u << 10)));
            buffer.clear();
            switch (rng() % 10) {
            case 0: case 1: random_bytes(rng, buffer, run); break;
            case 2: buffer.assign(run, 0); break;
            case 3: case 4: small_alphabet(rng, buffer, run); break;
            default: text(rng, buffer, run);
            }
            out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            left -= run;
        }
        if (!out) {
            std::fprintf(stderr, "large_layer_tree: cannot write under %s\n", root.c_str());
            return 1;
        }
        written += size;
    }
    return 0;
}
