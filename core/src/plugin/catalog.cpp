#include <lading/error.hpp>
#include <lading/plugin/catalog.hpp>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <set>

namespace lading::plugin {

namespace {

constexpr std::string_view file_prefix = "liblading-";
constexpr std::string_view file_suffix = ".so";

const lading_plugin_kind all_kinds[] = {LADING_KIND_COMPRESSOR, LADING_KIND_MEDIATYPE, LADING_KIND_STORE};

// "liblading-<kind>-<name>.so" → {kind, name}; false when the file is not a plugin name.
bool parse_file_name(const std::string& file, lading_plugin_kind& kind, std::string& name)
{
    if (!file.starts_with(file_prefix) || !file.ends_with(file_suffix)) return false;
    auto middle = std::string_view(file).substr(file_prefix.size(), file.size() - file_prefix.size() - file_suffix.size());
    for (auto k : all_kinds) {
        auto prefix = std::string(kind_name(k)) + "-";
        if (middle.starts_with(prefix) && middle.size() > prefix.size()) {
            kind = k;
            name = std::string(middle.substr(prefix.size()));
            return true;
        }
    }
    return false;
}

std::size_t minimum_table_size(lading_plugin_kind kind)
{
    switch (kind) {
    case LADING_KIND_COMPRESSOR: return offsetof(lading_compressor_v1, flags);  // the first table had no more
    case LADING_KIND_MEDIATYPE: return sizeof(lading_mediatype_v1);
    case LADING_KIND_STORE: return offsetof(lading_store_v1, open_read_only);  // the first table had no more
    }
    return sizeof(lading_plugin_header);
}

void split_colon_list(const char* text, std::vector<std::filesystem::path>& out)
{
    if (!text) return;
    std::string_view s = text;
    while (!s.empty()) {
        auto colon = s.find(':');
        auto part = s.substr(0, colon);
        if (!part.empty()) out.emplace_back(std::string(part));
        if (colon == std::string_view::npos) break;
        s.remove_prefix(colon + 1);
    }
}

}  // namespace

std::string_view kind_name(lading_plugin_kind kind)
{
    switch (kind) {
    case LADING_KIND_COMPRESSOR: return "compressor";
    case LADING_KIND_MEDIATYPE: return "mediatype";
    case LADING_KIND_STORE: return "store";
    }
    return "unknown";
}

catalog::catalog(std::vector<std::filesystem::path> search_path) : search_path_(std::move(search_path)) {}

std::vector<std::filesystem::path> catalog::default_search_path(const std::vector<std::filesystem::path>& from_cli,
                                                                 const std::vector<std::filesystem::path>& from_config)
{
    std::vector<std::filesystem::path> path = from_cli;
    split_colon_list(std::getenv("LADING_PLUGIN_PATH"), path);
    path.insert(path.end(), from_config.begin(), from_config.end());
    std::filesystem::path exe = boost::dll::program_location().string();
    path.push_back((exe.parent_path() / ".." / "lib" / "lading" / "plugins").lexically_normal());
    return path;
}

std::filesystem::path catalog::locate(lading_plugin_kind kind, const std::string& name) const
{
    auto file = std::string(file_prefix) + std::string(kind_name(kind)) + "-" + name + std::string(file_suffix);
    for (const auto& dir : search_path_) {
        std::error_code ec;
        auto candidate = dir / file;
        if (std::filesystem::exists(candidate, ec)) return candidate;
    }
    return {};
}

loaded_plugin catalog::load(const std::filesystem::path& file, lading_plugin_kind expected_kind) const
{
    boost::dll::fs::error_code ec;
    auto lib = std::make_shared<boost::dll::shared_library>(boost::dll::fs::path(file.string()),
                                                            boost::dll::load_mode::default_mode, ec);
    if (ec || !lib->is_loaded())
        throw error("plugin " + file.string() + " cannot be loaded: " + (ec ? ec.message() : "unknown reason"));
    if (!lib->has(LADING_PLUGIN_ENTRY_SYMBOL))
        throw error("plugin " + file.string() + " is not a lading plugin: it exports no " LADING_PLUGIN_ENTRY_SYMBOL);
    auto& entry = lib->get_alias<const lading_plugin_header*()>(LADING_PLUGIN_ENTRY_SYMBOL);
    const lading_plugin_header* header = entry();
    if (!header) throw error("plugin " + file.string() + " returned no plugin table");
    if (header->abi_version != LADING_PLUGIN_ABI_VERSION)
        throw error("plugin " + file.string() + " has ABI version " + std::to_string(header->abi_version) +
                    ", lading expects ABI version " + std::to_string(LADING_PLUGIN_ABI_VERSION) + "; rebuild it");
    if (header->kind != static_cast<std::uint32_t>(expected_kind))
        throw error("plugin " + file.string() + " is of kind " +
                    std::string(kind_name(static_cast<lading_plugin_kind>(header->kind))) + ", its file name says " +
                    std::string(kind_name(expected_kind)));
    if (header->struct_size < minimum_table_size(expected_kind))
        throw error("plugin " + file.string() + " has a " + std::to_string(header->struct_size) +
                    "-byte table, ABI version " + std::to_string(LADING_PLUGIN_ABI_VERSION) + " needs at least " +
                    std::to_string(minimum_table_size(expected_kind)));
    if (!header->name || !header->version) throw error("plugin " + file.string() + " has no name or version");
    return loaded_plugin{std::static_pointer_cast<void>(lib), header, file};
}

const loaded_plugin* catalog::find(lading_plugin_kind kind, const std::string& name)
{
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(static_cast<int>(kind), name);
    if (auto it = loaded_.find(key); it != loaded_.end()) return &it->second;
    auto file = locate(kind, name);
    if (file.empty()) return nullptr;
    return &loaded_.emplace(key, load(file, kind)).first->second;
}

const loaded_plugin& catalog::get(lading_plugin_kind kind, const std::string& name)
{
    if (auto* p = find(kind, name)) return *p;
    auto available = names(kind);
    std::string list;
    for (const auto& n : available) list += (list.empty() ? "" : ", ") + n;
    throw error("no " + std::string(kind_name(kind)) + " plugin named \"" + name + "\" (file liblading-" +
                std::string(kind_name(kind)) + "-" + name + ".so); available: " + (list.empty() ? "none" : list));
}

std::vector<std::string> catalog::names(lading_plugin_kind kind) const
{
    std::set<std::string> found;
    for (const auto& dir : search_path_) {
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
             it.increment(ec)) {
            lading_plugin_kind k;
            std::string n;
            if (parse_file_name(it->path().filename().string(), k, n) && k == kind) found.insert(n);
        }
    }
    return {found.begin(), found.end()};
}

std::vector<plugin_info> catalog::list()
{
    std::vector<plugin_info> out;
    for (auto kind : all_kinds) {
        for (const auto& name : names(kind)) {
            plugin_info info{std::string(kind_name(kind)), name, "", 0, locate(kind, name), ""};
            try {
                const auto& p = get(kind, name);
                info.version = p.header->version;
                info.abi_version = p.header->abi_version;
            } catch (const std::exception& e) {
                info.problem = e.what();
            }
            out.push_back(std::move(info));
        }
    }
    return out;
}

}  // namespace lading::plugin
