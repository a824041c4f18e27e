#include "file_bytes.hpp"

#include <fstream>
#include <stdexcept>

namespace lading::test {

void write_bytes(const std::filesystem::path& file, std::string_view bytes)
{
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace lading::test
