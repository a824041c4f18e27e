#include "plan_export.hpp"

#include "export/output_checks.hpp"
#include "export/utf8_fields.hpp"

#include "export/annotations.hpp"
#include "export/image_names.hpp"
#include <lading/error.hpp>
#include "layer/layer_conversion.hpp"
#include <lading/oci/reference.hpp>
#include <lading/registry/greetings.hpp>

#include <algorithm>
#include <map>

namespace lading {

namespace {

// Whether two outputs render the same image (their names and destinations aside).
bool same_image(const output_spec& a, const output_spec& b)
{
    return a.compression == b.compression && a.compression_level == b.compression_level &&
           a.force_compression == b.force_compression && a.oci_mediatypes == b.oci_mediatypes &&
           a.artifact() == b.artifact() && a.rewrite_timestamp == b.rewrite_timestamp &&
           a.source_date_epoch == b.source_date_epoch && a.annotations == b.annotations;
}

// Two outputs pushing one tag with different images would leave it naming whichever push
// ended last. (The same image twice, as a bake target's image and registry outputs under
// --push, is one image either way.)
void check_tags_pushed_once(const export_request& request)
{
    std::map<std::string, std::size_t> pushed_by;  // normalised tag -> output number
    for (std::size_t o = 0; o < request.outputs.size(); ++o) {
        const auto& spec = request.outputs[o];
        if (!spec.push || spec.push_by_digest) continue;
        for (const auto& name : spec.names) {
            if (!parse_reference(name).digest.empty()) continue;
            auto [first, fresh] = pushed_by.try_emplace(normalized_name(name), o);
            if (!fresh && first->second != o && !same_image(request.outputs[first->second], spec))
                throw usage_error("outputs " + std::to_string(first->second + 1) + " and " + std::to_string(o + 1) +
                                  " both push " + name + ": the tag would name whichever push ended last");
        }
    }
}

// The request with attestation defaults applied, once every output passed its checks.
export_request checked_request(const export_request& given, const plugin_facts& plugins)
{
    export_request request = with_attestation_defaults(given, plugins);
    if (request.outputs.empty()) throw usage_error("no --output given; add e.g. --output type=image,name=app:1");
    for (const auto& spec : request.outputs) check_output(spec, plugins);
    check_utf8_fields(request);
    // An embedder's epochs come as numbers, not through parse_source_date_epoch.
    auto check_epoch = [](const std::optional<std::int64_t>& epoch) {
        if (epoch && !is_source_date_epoch(*epoch))
            throw usage_error("invalid source date epoch " + std::to_string(*epoch) + ": expected 0 to " +
                              std::to_string(latest_source_date_epoch) + " (the end of year 9999)");
    };
    check_epoch(request.source_date_epoch);
    for (const auto& spec : request.outputs) check_epoch(spec.source_date_epoch);
    check_tags_pushed_once(request);
    return request;
}

std::vector<planned_platform> plan_platforms(const export_request& request,
                                             const std::vector<std::optional<base_image>>& bases)
{
    std::vector<platform> wanted = request.platforms;
    const bool given = !wanted.empty();
    if (!given) wanted.push_back(request.settings.platform);
    if (bases.size() != wanted.size())
        throw error("internal: " + std::to_string(bases.size()) + " base images for " + std::to_string(wanted.size()) +
                    " platforms");
    std::vector<planned_platform> platforms;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const auto p = wanted[i].normalized();
        planned_platform planned{request.settings, bases[i], {}};
        planned.settings.platform = p;
        if (planned.base) {
            // The base is held to the rule that picks from an index: a single-manifest base for
            // another variant is refused as an index entry for it would be passed over.
            const auto image = planned.base->platform.normalized();
            if (given && !p.matches(image))
                throw error("--from " + request.from + " is an image for " + image.full_str() + ", not " + p.full_str());
            planned.settings.platform = image;
        }
        for (std::size_t l = 0; l < request.layers.size(); ++l)
            if (!request.layers[l].only || request.layers[l].only->matches(planned.settings.platform))
                planned.layers.push_back(l);
        platforms.push_back(std::move(planned));
    }
    for (const auto& l : request.layers) {
        if (!l.only) continue;
        if (std::none_of(platforms.begin(), platforms.end(),
                         [&](const planned_platform& p) { return l.only->matches(p.settings.platform); }))
            throw usage_error("--layer " + l.only->str() + "=" + l.path.string() + " names a platform that is not built");
    }
    return platforms;
}

// Refuses annotations the export cannot apply; returns the platform-qualified ones a
// single-manifest root leaves out.
std::vector<std::string> check_annotations_fit(const export_request& request,
                                               const std::vector<planned_platform>& platforms, bool root_is_index)
{
    std::vector<std::string> unapplied;
    std::vector<platform> built;
    for (const auto& p : platforms) built.push_back(p.settings.platform);
    for (const auto& spec : request.outputs) {
        check_annotation_platforms(spec, built);
        auto index = annotations_for_index(spec);
        if (!root_is_index && (!index.index.empty() || !index.descriptor.empty()))
            throw usage_error("invalid --output: index annotations not supported for single platform export");
        if (!root_is_index)
            for (const auto& [full, value] : spec.annotations)
                if (!parse_annotation_key(full).platform.empty() &&
                    std::find(unapplied.begin(), unapplied.end(), full) == unapplied.end())
                    unapplied.push_back(full);
    }
    return unapplied;
}

std::optional<std::int64_t> epoch_of(const output_spec& spec, const export_request& request)
{
    return spec.source_date_epoch ? spec.source_date_epoch : request.source_date_epoch;
}

blob_destination destination_of(const output_spec& spec)
{
    if (spec.store) return blob_destination::store;
    if (spec.push) return blob_destination::spool;
    return blob_destination::nowhere;
}

// Fills plan.variants (in the order of their keys) and each output's variant.
void plan_variants(export_plan& plan, const plugin_facts& plugins)
{
    std::map<std::string, layer_variant_plan> by_key;
    std::vector<std::string> key_of_output;
    for (std::size_t o = 0; o < plan.request.outputs.size(); ++o) {
        const auto& spec = plan.request.outputs[o];
        const int level = spec.compression_level.value_or(plugins.compressor(spec.compression).level_default);
        const auto clamp = spec.rewrite_timestamp ? plan.outputs[o].epoch : std::nullopt;
        auto key = spec.compression + "|" + std::to_string(level) + "|" + (clamp ? std::to_string(*clamp) : "-");
        auto& v = by_key[key];
        v.compression = spec.compression;
        v.level = level;
        v.clamp = clamp;
        v.outputs.push_back(o);
        key_of_output.push_back(std::move(key));
    }
    for (auto& [key, v] : by_key) {
        for (std::size_t o = 0; o < key_of_output.size(); ++o)
            if (key_of_output[o] == key) plan.outputs[o].variant = plan.variants.size();
        plan.variants.push_back(std::move(v));
    }
}

std::string conversion_key(const digest& source, const layer_variant_plan& variant)
{
    return source.str() + "|" + variant.compression + "|" + std::to_string(variant.level);
}

// force-compression: which base layers each output re-encodes (one conversion per source
// blob, compression and level, in the order of their keys), and which ones keep their bytes.
void plan_conversions(export_plan& plan, const plugin_facts& plugins)
{
    std::map<std::string, base_layer_conversion_plan> by_key;
    for (std::size_t o = 0; o < plan.request.outputs.size(); ++o) {
        const auto& spec = plan.request.outputs[o];
        if (!spec.force_compression) continue;
        const auto& codec = plugins.compressor(spec.compression);
        const auto& types = plugins.media_type(spec.media_type_family());
        const auto& variant = plan.variants[plan.outputs[o].variant];
        for (std::size_t p = 0; p < plan.platforms.size(); ++p) {
            const auto& base = plan.platforms[p].base;
            if (!base) continue;
            for (std::size_t k = 0; k < base->layers.size(); ++k) {
                const auto& layer = base->layers[k];
                if (!layer::needs_conversion(layer, types.base_layer_suffix(layer), codec.name, codec.media_suffix))
                    continue;
                if (k >= base->diff_ids.size())
                    throw error("base image " + base->reference + " lists fewer diffIDs than layers");
                auto& c = by_key[conversion_key(layer.digest, variant)];
                if (c.outputs.empty()) {
                    c.platform = p;
                    c.source = layer;
                    c.diff_id = base->diff_ids[k];
                    c.compression = variant.compression;
                    c.level = variant.level;
                }
                if (std::find(c.outputs.begin(), c.outputs.end(), o) == c.outputs.end()) c.outputs.push_back(o);
            }
        }
    }
    std::map<std::string, std::size_t> index_of;
    for (auto& [key, c] : by_key) {
        index_of[key] = plan.conversions.size();
        plan.conversions.push_back(std::move(c));
    }
    for (std::size_t o = 0; o < plan.request.outputs.size(); ++o) {
        const auto& spec = plan.request.outputs[o];
        auto& out = plan.outputs[o];
        const auto& variant = plan.variants[out.variant];
        for (const auto& platform : plan.platforms) {
            auto& uses = out.base_layers.emplace_back();
            if (!platform.base) continue;
            for (const auto& layer : platform.base->layers) {
                auto it = spec.force_compression ? index_of.find(conversion_key(layer.digest, variant))
                                                 : index_of.end();
                uses.push_back(it == index_of.end() ? std::nullopt : std::optional<std::size_t>(it->second));
            }
        }
    }
}

bool pushes_only_to(const output_spec& spec, const std::string& host)
{
    if (!spec.push || host.empty() || spec.names.empty()) return false;
    for (const auto& n : spec.names)
        if (parse_reference(n).domain != host) return false;
    return spec.dangling_name_prefix.empty() || parse_reference(spec.dangling_name_prefix).domain == host;
}

// Base layers go into every store that will hold the image. An output that only pushes
// needs no copies: the push mounts them on the base's registry or reads them in place.
std::vector<bool> plan_base_copies(const output_spec& spec, const output_plan& out,
                                   const std::vector<planned_platform>& platforms)
{
    std::vector<bool> copies;
    for (const auto& platform : platforms) {
        const auto& base = platform.base;
        copies.push_back(base && out.destination != blob_destination::nowhere &&
                         (spec.store || !(pushes_only_to(spec, base->registry_host) || base->open_local_blob)));
    }
    return copies;
}

// BuildKit's order: the names given, "<name>@<digest>" for each name without a digest when
// name-canonical is set, then "<prefix>@<digest>" for dangling-name-prefix (unless
// danging-name-empty-only and names exist).
std::vector<name_rule> plan_names(const output_spec& spec)
{
    std::vector<name_rule> rules;
    for (const auto& n : spec.names) rules.push_back({n, false});
    if (spec.name_canonical)
        for (const auto& n : spec.names)
            if (n.find('@') == std::string::npos) rules.push_back({n, true});
    if (!spec.dangling_name_prefix.empty() && (!spec.dangling_name_empty_only || spec.names.empty()))
        rules.push_back({spec.dangling_name_prefix, true});
    return rules;
}

std::vector<planned_push> plan_pushes(const output_spec& spec, const output_plan& out,
                                      const std::vector<planned_platform>& platforms)
{
    std::vector<planned_push> pushes;
    if (!spec.push) return pushes;
    for (std::size_t n = 0; n < out.names.size(); ++n) {
        const auto& rule = out.names[n];
        // The root digest is not known yet; it does not change the registry the name is on.
        const auto domain =
            parse_reference(rule.text + (rule.root_digest_appended ? "@sha256:" + std::string(64, '0') : "")).domain;
        planned_push push{n, {}, {}, {}, std::nullopt};
        for (std::size_t p = 0; p < platforms.size(); ++p) {
            const auto& base = platforms[p].base;
            if (!base) continue;
            if (!spec.store && base->open_local_blob) push.reads_bases_of.push_back(p);
            if (domain != base->registry_host) continue;
            push.mount_from_repository = base->repository;
            if (out.destination != blob_destination::nowhere) push.fetches_base_of = p;
            for (std::size_t k = 0; k < base->layers.size(); ++k)
                if (!out.base_layers[p][k]) push.mountable.push_back(base->layers[k].digest);
        }
        pushes.push_back(std::move(push));
    }
    return pushes;
}

}  // namespace

void check_export_request(const export_request& request, const plugin_facts& plugins)
{
    checked_request(request, plugins);
}

export_plan plan_export(const export_request& given, const export_facts& facts)
{
    export_plan plan;
    plan.request = checked_request(given, facts.plugins);
    if (!plan.request.shared_greetings) plan.request.shared_greetings = std::make_shared<registry::greetings>();
    const auto& request = plan.request;
    plan.platforms = plan_platforms(request, facts.bases);
    plan.attestations = !request.attestations.empty();
    plan.root_is_index = plan.platforms.size() > 1 || plan.attestations;
    plan.unapplied_annotations = check_annotations_fit(request, plan.platforms, plan.root_is_index);

    for (const auto& spec : request.outputs) {
        output_plan out;
        out.destination = destination_of(spec);
        out.epoch = epoch_of(spec, request);
        plan.rewrite_without_epoch = plan.rewrite_without_epoch || (spec.rewrite_timestamp && !out.epoch);
        plan.outputs.push_back(std::move(out));
    }
    plan_variants(plan, facts.plugins);
    plan_conversions(plan, facts.plugins);
    for (std::size_t o = 0; o < request.outputs.size(); ++o) {
        const auto& spec = request.outputs[o];
        auto& out = plan.outputs[o];
        out.copies_base_layers = plan_base_copies(spec, out, plan.platforms);
        out.names = plan_names(spec);
        out.names_in_store = spec.store && !out.names.empty();
        out.unpack = spec.unpack;
        out.pushes = plan_pushes(spec, out, plan.platforms);
    }
    return plan;
}

std::vector<std::string> final_names(const output_plan& output, const digest& root)
{
    std::vector<std::string> names;
    for (const auto& rule : output.names) {
        if (rule.root_digest_appended) {
            names.push_back(rule.text + "@" + root.str());
            continue;
        }
        // A name's own digest must be the image's: the store and the registry would
        // otherwise hold a name that says one digest and leads to another.
        if (const auto named = parse_reference(rule.text).digest; !named.empty() && named != root.str())
            throw error("name " + rule.text + " names " + named + ", but the image exported is " + root.str() +
                        "; no name was bound or pushed");
        names.push_back(rule.text);
    }
    return names;
}

}  // namespace lading
