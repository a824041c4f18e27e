#include "host_environment.hpp"

#include "xdg_directory.hpp"
#include <lading/error.hpp>
#include <lading/export/output_spec.hpp>

#include <charconv>
#include <cstdlib>
#include <thread>

namespace lading::cli {

std::filesystem::path store_location(const std::optional<std::string>& from_flag)
{
    if (from_flag && !from_flag->empty()) return *from_flag;
    if (const char* s = std::getenv("LADING_STORE"); s && *s) return s;
    if (auto directory = lading_xdg_directory("XDG_DATA_HOME", std::filesystem::path(".local") / "share"))
        return *directory / "store";
    throw usage_error("no store location: pass --store DIR or set LADING_STORE");
}

unsigned compressor_threads()
{
    if (const char* t = std::getenv("LADING_THREADS"); t && *t) {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(t, t + std::char_traits<char>::length(t), n);
        if (ec != std::errc() || *end != '\0' || n == 0 || n > 1024)
            throw usage_error("LADING_THREADS=" + std::string(t) + " must be a whole number from 1 to 1024");
        return n;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

plugin::catalog make_plugin_catalog(const std::vector<std::string>& plugin_path_flags,
                               const std::vector<std::filesystem::path>& from_config)
{
    std::vector<std::filesystem::path> cli(plugin_path_flags.begin(), plugin_path_flags.end());
    return plugin::catalog(plugin::catalog::default_search_path(cli, from_config));
}

std::optional<std::int64_t> source_date_epoch_from_env()
{
    const char* s = std::getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return std::nullopt;
    return parse_source_date_epoch(s, "SOURCE_DATE_EPOCH");
}

}  // namespace lading::cli
