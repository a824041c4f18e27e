// Gathers the facts an export is planned from: loads the plugins the request names and
// resolves its base images (which may read a layout or a registry).
#pragma once

#include "export_facts.hpp"

#include <lading/export/export_request.hpp>
#include <lading/plugin/catalog.hpp>

namespace lading {

// Loads every compressor, media-type and store plugin the request names. A plugin that
// cannot be loaded is recorded, not thrown: planning reports it where it matters.
plugin_facts gather_plugin_facts(const export_request& request, plugin::catalog& plugins);

// Everything that can be refused without reading the layers or the base images: the
// request's parameters, the plugins it names, and that every layer path exists. Throws
// usage_error or lading::error; returns the plugin facts gathered on the way.
plugin_facts check_request_before_work(const export_request& request, plugin::catalog& plugins);

// The base image of each platform the export builds (see export_facts::bases). Throws
// lading::error when the base cannot be found or read.
std::vector<std::optional<base_image>> resolve_base_images(const export_request& request, plugin::catalog& plugins);

// Adds what each gathered media-type family says about the base images' layer media types.
void add_base_layer_facts(export_facts& facts, plugin::catalog& plugins);

}  // namespace lading
