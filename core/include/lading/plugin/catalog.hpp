// Finds, loads and checks plugins; the single owner of every loaded shared library.
#pragma once

#include <lading/plugin/abi.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lading::plugin {

struct loaded_plugin {
    std::shared_ptr<void> library;  // keeps the shared library mapped while anything uses it
    const lading_plugin_header* header = nullptr;
    std::filesystem::path file;
};

struct plugin_info {
    std::string kind, name, version;
    std::uint32_t abi_version = 0;
    std::filesystem::path file;
    std::string problem;  // non-empty when the file could not be used
};

std::string_view kind_name(lading_plugin_kind kind);

class catalog {
public:
    // Directories in search order; the first file with a given kind and name wins.
    explicit catalog(std::vector<std::filesystem::path> search_path);

    // The search path lading uses: --plugin-path, $LADING_PLUGIN_PATH (colon separated),
    // the host configuration's entries, then <dir of the executable>/../lib/lading/plugins.
    static std::vector<std::filesystem::path> default_search_path(const std::vector<std::filesystem::path>& from_cli,
                                                                  const std::vector<std::filesystem::path>& from_config);

    // Loads liblading-<kind>-<name>.so. Throws lading::error naming the file and the ABI
    // versions when it is missing, not a lading plugin, or of another ABI; when missing the
    // message lists the names that are available.
    const loaded_plugin& get(lading_plugin_kind kind, const std::string& name);
    // Like get, but returns nullptr when no file of that kind and name exists.
    const loaded_plugin* find(lading_plugin_kind kind, const std::string& name);

    // Every plugin file found, loaded and described (problems reported, not thrown).
    std::vector<plugin_info> list();
    // Names available for a kind.
    std::vector<std::string> names(lading_plugin_kind kind) const;

    const std::vector<std::filesystem::path>& search_path() const { return search_path_; }

private:
    std::filesystem::path locate(lading_plugin_kind kind, const std::string& name) const;
    loaded_plugin load(const std::filesystem::path& file, lading_plugin_kind expected_kind) const;

    std::vector<std::filesystem::path> search_path_;
    std::mutex mutex_;
    std::map<std::pair<int, std::string>, loaded_plugin> loaded_;
};

}  // namespace lading::plugin
