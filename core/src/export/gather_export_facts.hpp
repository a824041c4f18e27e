// Gathers the facts an export is planned from: loads the plugins the request names and
// resolves its base images (which may read a layout or a registry).
#pragma once

#include "export_facts.hpp"

#include <lading/export_request.hpp>
#include <lading/plugin/registry.hpp>

namespace lading {

// Loads every compressor, media-type and store plugin the request names. A plugin that
// cannot be loaded is recorded, not thrown: planning reports it where it matters.
plugin_facts gather_plugin_facts(const export_request& request, plugin::registry& plugins);

// The base image of each platform the export builds (see export_facts::bases). Throws
// lading::error when the base cannot be found or read.
std::vector<std::optional<base_image>> resolve_base_images(const export_request& request, plugin::registry& plugins);

// Adds what each gathered media-type family says about the base images' layer media types.
void add_base_layer_facts(export_facts& facts, plugin::registry& plugins);

}  // namespace lading
