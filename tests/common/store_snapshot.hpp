// A recursive listing of a directory (an image store) with the sha256 of every regular
// file, a symlink's target and a directory marker, so that "the store was not touched" is
// one comparison.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lading::test {

class store_snapshot {
public:
    // A missing directory gives an empty snapshot (and compares unequal to any populated one).
    static store_snapshot take(const std::filesystem::path& root);

    // relative path -> "dir", "file <sha256> <mode>", "symlink -> <target>", "other <type>"
    const std::map<std::string, std::string>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }

    friend bool operator==(const store_snapshot&, const store_snapshot&) = default;

    // One line per added, removed or changed entry (printable), empty when equal.
    std::vector<std::string> differences_to(const store_snapshot& after) const;
    std::string describe_differences_to(const store_snapshot& after) const;

private:
    std::map<std::string, std::string> entries_;
};

}  // namespace lading::test
