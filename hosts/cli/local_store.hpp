// The local store as the commands that read or change it open it: --store, --backend and
// --plugin-path.
#pragma once

#include "command_line.hpp"

#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lading::cli {

// Through the store's plugin, whatever the store is. A plugin that can open for reading
// only first checks that there is a store, so that none is created here; the store is then
// opened as for an export, which also clears the temporaries killed writers left.
std::unique_ptr<plugin::store> open_store(const command_line& cl, plugin::catalog& plugins);

// The root a NAME (as stored) or a DIGEST given on the command line stands for; throws
// lading::error when the store has no such name or blob.
digest find_stored(plugin::store& store, const std::string& name_or_digest);

// The flags open_store reads, with their help.
std::vector<flag_spec> store_flags();

}  // namespace lading::cli
