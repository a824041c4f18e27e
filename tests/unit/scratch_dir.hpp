// A fresh directory under $TMPDIR (or /tmp) for tests that need a real filesystem,
// removed with everything in it when the object dies.
#pragma once

#include <filesystem>

namespace lading::test_fs {

class scratch_dir {
public:
    scratch_dir();
    ~scratch_dir();
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

private:
    std::filesystem::path path_;
};

}  // namespace lading::test_fs
