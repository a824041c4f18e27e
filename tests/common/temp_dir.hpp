// A uniquely named directory that is removed, with everything in it, when the object dies.
// Set LADING_TEST_KEEP=1 to keep the directories for a post-mortem (their paths are printed).
#pragma once

#include <filesystem>
#include <string>

namespace lading::test {

class temp_dir {
public:
    // Created under $TMPDIR (default /tmp) as "<prefix>XXXXXX".
    explicit temp_dir(const std::string& prefix = "lading-test-");
    // Created under `parent`, which must exist.
    temp_dir(const std::filesystem::path& parent, const std::string& prefix);
    ~temp_dir();
    temp_dir(temp_dir&& other) noexcept;
    temp_dir& operator=(temp_dir&& other) noexcept;
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

private:
    void remove();
    std::filesystem::path path_;
};

// The base directory for temporary files: $TMPDIR if set and a directory, else /tmp.
std::filesystem::path temp_base();

}  // namespace lading::test
