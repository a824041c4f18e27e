// Turns a resolved bake target into the export it stands for, as `lading export` would be
// asked for it on the command line.
#pragma once

#include "bake/bake_target.hpp"
#include <lading/export/export_request.hpp>
#include <lading/host_config.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>

namespace lading::bake {

// What every target's export takes from the running program rather than from the file.
struct request_defaults {
    std::filesystem::path store_location;
    unsigned threads = 1;
    host_config hosts;
    std::optional<std::int64_t> source_date_epoch;  // $SOURCE_DATE_EPOCH; the target's own wins
};

// The context is the first layer, then `layers`. `tags` name every output without a name; a
// target without outputs gets one `type=image` output (the image goes into the local store).
// `annotations` take buildx's --annotation syntax, "[TYPE[,TYPE]...[PLATFORM]:]KEY=VALUE",
// and go to every output. Throws usage_error "target "NAME": ..." for a value that is wrong.
export_request export_request_for(const target& t, const request_defaults& defaults);

}  // namespace lading::bake
