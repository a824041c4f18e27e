// Tar archives written header by header, independently of lading, for layers no archiver
// would produce: names with "..", absolute names, links out of the archive, odd whiteouts.
// Headers come from tests/common/tar_builder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lading::test {

struct tar_member {
    std::string name;  // at most 100 bytes (ustar name field only)
    char type = '0';   // '0' file, '1' hardlink, '2' symlink, '3' char device, '5' directory, '6' fifo,
                       // 'x' PAX extended header (content: its records)
    std::string content;
    std::string link;  // symlink target or hardlink target, at most 100 bytes
    unsigned mode = 0644;
    unsigned dev_major = 0, dev_minor = 0;
    long long mtime = 1'600'000'000;
};

inline tar_member tar_file(std::string name, std::string content)
{
    return {std::move(name), '0', std::move(content), {}};
}
inline tar_member tar_dir(std::string name) { return {std::move(name), '5', {}, {}, 0755}; }
inline tar_member tar_symlink(std::string name, std::string target)
{
    return {std::move(name), '2', {}, std::move(target), 0777};
}
inline tar_member tar_hardlink(std::string name, std::string target)
{
    return {std::move(name), '1', {}, std::move(target)};
}
// A PAX extended header ('x') carrying `records` for the member after it.
inline tar_member tar_pax(std::string records) { return {"pax", 'x', std::move(records), {}}; }

// ustar headers, content padded to 512 bytes, two zero blocks at the end.
std::string hand_written_tar(const std::vector<tar_member>& members);

// Writes `bytes` to `file` (created or truncated).
void write_bytes(const std::filesystem::path& file, const std::string& bytes);

}  // namespace lading::test
