// What the lading command takes from its environment: store location, threads, plugins.
#pragma once

#include <lading/plugin/catalog.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace lading::cli {

// --store, else $LADING_STORE, else $XDG_DATA_HOME/lading/store, else ~/.local/share/lading/store.
std::filesystem::path store_location(const std::optional<std::string>& from_flag);

// $LADING_THREADS when set (>= 1), else the number of cores.
unsigned compressor_threads();

plugin::catalog make_plugin_catalog(const std::vector<std::string>& plugin_path_flags,
                               const std::vector<std::filesystem::path>& from_config = {});

// $SOURCE_DATE_EPOCH as BuildKit reads it: empty means none; anything else must be an integer.
std::optional<std::int64_t> source_date_epoch_from_env();

}  // namespace lading::cli
