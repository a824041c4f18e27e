#include "posix/big_file_directory.hpp"

#include <cstdlib>
#include <system_error>

namespace lading {

std::filesystem::path big_file_directory()
{
    if (const char* tmpdir = std::getenv("TMPDIR"); tmpdir && *tmpdir) return tmpdir;
    const std::filesystem::path var_tmp = "/var/tmp";
    std::error_code ec;
    if (std::filesystem::is_directory(var_tmp, ec)) return var_tmp;
    return std::filesystem::temp_directory_path();
}

}  // namespace lading
