#include "scratch_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace lading::test_fs {

scratch_dir::scratch_dir()
{
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lading-unit-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a scratch directory in " + tmpl);
    path_ = tmpl;
}

scratch_dir::~scratch_dir()
{
    std::error_code ec;
    // Directories a test made unreadable are opened up first.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

}  // namespace lading::test_fs
