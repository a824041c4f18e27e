#include "convert/image_variant.hpp"

#include "convert/one_at_a_time.hpp"
#include "convert/source_image.hpp"
#include "convert/stoppable_source.hpp"
#include "convert/variant_documents.hpp"
#include "convert/variant_layers.hpp"
#include "layer/layer_conversion.hpp"
#include "plugin/compressor.hpp"
#include "plugin/media_types.hpp"

#include <lading/error.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <algorithm>
#include <thread>

namespace lading::convert {

namespace {

const plugin::loaded_plugin& find_compressor(plugin::catalog& plugins, const std::string& name)
{
    const plugin::loaded_plugin* found = name.empty() ? nullptr : plugins.find(LADING_KIND_COMPRESSOR, name);
    if (found) return *found;
    std::string available;
    for (const auto& n : plugins.names(LADING_KIND_COMPRESSOR)) available += (available.empty() ? "" : ", ") + n;
    throw usage_error("unknown compression \"" + name + "\" (available: " + available + ")");
}

int checked_level(const plugin::compressor& codec, std::optional<int> level)
{
    if (!level) return codec.level_default();
    if (*level < codec.level_min() || *level > codec.level_max())
        throw usage_error("compression level " + std::to_string(*level) + " is out of range for " + codec.name() +
                          " (" + std::to_string(codec.level_min()) + " to " + std::to_string(codec.level_max()) + ")");
    return *level;
}

one_at_a_time& calls_in_progress()
{
    static one_at_a_time calls;
    return calls;
}

void collect_layers(const source_node& node, std::vector<const source_layer*>& out)
{
    for (const auto& l : node.layers) out.push_back(&l);
    for (const auto& child : node.children) collect_layers(child, out);
}

}  // namespace

void check_variant_request(plugin::catalog& plugins, const variant_request& request)
{
    plugin::compressor codec(find_compressor(plugins, request.compression));
    const int level = checked_level(codec, request.level);
    plugin::media_types(plugins.get(LADING_KIND_MEDIATYPE, "oci")).of(LADING_OBJECT_LAYER, codec.media_suffix());
    // A compressor that refuses to start at that level (e.g. a bad $LADING_GZIP_ENCODER) fails
    // the request here, before the caller opens a store.
    codec.compress(level, 1);
}

descriptor make_variant(plugin::store& store, plugin::catalog& plugins, const descriptor& original,
                        const variant_request& request, std::stop_token stop)
{
    check_variant_request(plugins, request);
    plugin::compressor codec(find_compressor(plugins, request.compression));
    const int level = checked_level(codec, request.level);
    plugin::media_types oci(plugins.get(LADING_KIND_MEDIATYPE, "oci"));

    const auto turn = calls_in_progress().wait_for(
        store.location() + "\n" + original.digest.str() + "\n" + codec.name() + "\n" + std::to_string(level), stop);
    const auto source = read_source_image(store, original);
    std::vector<const source_layer*> layers, to_convert;
    collect_layers(source, layers);
    for (const auto* l : layers) {
        auto suffix = oci.layer_suffix_of(l->blob.media_type);
        if (!suffix)
            throw error("layer " + l->blob.digest.str() + " is a " + l->blob.media_type +
                        ", not a layer type lading can convert");
        if (layer::needs_conversion(l->blob, *suffix, codec.name(), codec.media_suffix())) to_convert.push_back(l);
    }

    const unsigned threads = request.threads ? request.threads : std::max(1u, std::thread::hardware_concurrency());
    const auto converted = convert_layers(store, plugins, {&codec, level, threads}, to_convert, stop);
    if (stop.stop_requested()) throw conversion_stopped("converting " + original.digest.str());
    return write_variant_documents(store, oci, source, converted);
}

}  // namespace lading::convert
