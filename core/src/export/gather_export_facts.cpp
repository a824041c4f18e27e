#include "gather_export_facts.hpp"
#include "plan_export.hpp"

#include <lading/error.hpp>
#include "plugin/compressor.hpp"
#include "plugin/media_types.hpp"
#include <lading/plugin/store.hpp>

#include <algorithm>
#include <filesystem>

namespace lading {

namespace {

std::string key_of(lading_plugin_kind kind, const std::string& name)
{
    return std::string(plugin::kind_name(kind)) + "/" + name;
}

// Loads one plugin; a failure is recorded under its key and nullptr returned.
const plugin::loaded_plugin* load(plugin_facts& facts, plugin::catalog& plugins, lading_plugin_kind kind,
                                  const std::string& name, bool missing_is_error)
{
    try {
        if (!missing_is_error) return plugins.find(kind, name);
        return &plugins.get(kind, name);
    } catch (const error& e) {
        facts.load_errors.emplace(key_of(kind, name), e.what());
        return nullptr;
    }
}

void add_compressor(plugin_facts& facts, plugin::catalog& plugins, const std::string& name)
{
    if (facts.compressors.count(name) || facts.load_errors.count(key_of(LADING_KIND_COMPRESSOR, name))) return;
    // A compressor that is not installed is a usage error planning words itself.
    const auto* loaded = load(facts, plugins, LADING_KIND_COMPRESSOR, name, false);
    if (!loaded) return;
    plugin::compressor codec(*loaded);
    facts.compressors.emplace(name, compressor_facts{codec.name(), codec.media_suffix(), codec.level_min(),
                                                     codec.level_max(), codec.level_default(), {}});
}

// Starts (and drops) a compressor at the level an output asks for, so that a plugin that
// refuses it fails the export before any store is opened or layer built.
void try_compressor_start(plugin_facts& facts, plugin::catalog& plugins, const output_spec& spec)
{
    auto found = facts.compressors.find(spec.compression);
    if (found == facts.compressors.end()) return;
    auto& f = found->second;
    const int level = spec.compression_level.value_or(f.level_default);
    if (level < f.level_min || level > f.level_max || f.start_failures.count(level)) return;
    try {
        plugin::compressor(*plugins.find(LADING_KIND_COMPRESSOR, spec.compression)).compress(level, 1);
    } catch (const error& e) {
        f.start_failures.emplace(level, e.what());
    }
}

void add_media_types(plugin_facts& facts, plugin::catalog& plugins, const std::string& family)
{
    if (facts.media_types.count(family) || facts.load_errors.count(key_of(LADING_KIND_MEDIATYPE, family))) return;
    const auto* loaded = load(facts, plugins, LADING_KIND_MEDIATYPE, family, true);
    if (!loaded) return;
    plugin::media_types types(*loaded);
    media_type_facts f{types.name(), 0, {}, {}};
    for (auto capability : {LADING_CAN_MANIFEST_ANNOTATIONS, LADING_CAN_DESCRIPTOR_ANNOTATIONS,
                            LADING_CAN_LAYER_ANNOTATIONS, LADING_CAN_ARTIFACTS, LADING_CAN_ATTESTATIONS})
        if (types.can(capability)) f.capabilities |= capability;
    facts.media_types.emplace(family, std::move(f));
}

void add_store(plugin_facts& facts, plugin::catalog& plugins, const std::string& backend)
{
    if (std::find(facts.stores.begin(), facts.stores.end(), backend) != facts.stores.end()) return;
    const auto* loaded = load(facts, plugins, LADING_KIND_STORE, backend, true);
    if (!loaded) return;
    facts.stores.push_back(backend);
    if (!plugin::features_of(*loaded).unpack) facts.stores_without_unpack.push_back(backend);
}

}  // namespace

plugin_facts gather_plugin_facts(const export_request& request, plugin::catalog& plugins)
{
    plugin_facts facts;
    facts.compressor_names = plugins.names(LADING_KIND_COMPRESSOR);
    for (const auto& spec : request.outputs) {
        add_compressor(facts, plugins, spec.compression);
        try_compressor_start(facts, plugins, spec);
        add_media_types(facts, plugins, spec.media_type_family());
        // With attestations an output that leaves oci-mediatypes unset gets OCI media types.
        if (!request.attestations.empty()) add_media_types(facts, plugins, "oci");
        if (spec.store) add_store(facts, plugins, spec.store_backend);
    }
    // Which layer media types each format gives the compressors asked for.
    for (auto& [family, f] : facts.media_types) {
        plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, family));
        for (const auto& [name, codec] : facts.compressors) {
            try {
                f.layer_types.emplace(codec.media_suffix, types.of(LADING_OBJECT_LAYER, codec.media_suffix));
            } catch (const error&) {
                // absent: the format cannot name this layer type
            }
        }
    }
    return facts;
}

std::vector<std::optional<base_image>> resolve_base_images(const export_request& request, plugin::catalog& plugins)
{
    std::vector<platform> wanted = request.platforms;
    if (wanted.empty()) wanted.push_back(request.settings.platform);
    std::vector<std::optional<base_image>> bases;
    // registry.insecure applies to the pushed registry only, never to the base image's pull.
    // containerd://NAME reads the containerd the outputs write to, when one does.
    std::string daemon;
    for (const auto& o : request.outputs)
        if (o.store && o.store_backend == "containerd") daemon = request.daemon_store_address;
    for (const auto& p : wanted) bases.push_back(resolve_base_image(request.from, p, plugins, request.hosts, daemon));
    return bases;
}

void add_base_layer_facts(export_facts& facts, plugin::catalog& plugins)
{
    for (auto& [family, f] : facts.plugins.media_types) {
        plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, family));
        for (const auto& base : facts.bases)
            if (base)
                for (const auto& layer : base->layers)
                    if (auto suffix = types.layer_suffix_of(layer.media_type))
                        f.base_layer_suffixes.emplace(layer.media_type, *suffix);
    }
}

plugin_facts check_request_before_work(const export_request& request, plugin::catalog& plugins)
{
    auto facts = gather_plugin_facts(request, plugins);
    check_export_request(request, facts);
    for (const auto& l : request.layers) {
        std::error_code ec;
        if (!std::filesystem::exists(l.path, ec)) throw error("layer " + l.path.string() + " does not exist");
    }
    return facts;
}

}  // namespace lading
