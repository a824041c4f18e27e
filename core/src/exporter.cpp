#include "base_layer_conversions.hpp"

#include <lading/annotations.hpp>
#include <lading/attestation/attestation_manifest.hpp>
#include <lading/attestation/export_attestations.hpp>
#include <lading/base_image.hpp>
#include <lading/error.hpp>
#include <lading/exporter.hpp>
#include <lading/image_names.hpp>
#include <lading/layer/layer_builder.hpp>
#include <lading/layer/layer_source.hpp>
#include <lading/manifest.hpp>
#include <lading/output_checks.hpp>
#include <lading/parallel_jobs.hpp>
#include <lading/plugin/media_types.hpp>
#include <lading/plugin/store.hpp>
#include <lading/reference.hpp>
#include <lading/registry/pusher.hpp>
#include <lading/unpack/image_unpacker.hpp>

#include <stdlib.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>

namespace lading {

namespace {

// Outputs that ask for the same compression, level and time clamp share their layers.
struct layer_variant {
    std::string compression;
    int level = 0;
    std::optional<std::int64_t> clamp;
    std::vector<plugin::store*> stores;
    std::vector<layer::built_layer> layers;
};

std::optional<std::int64_t> epoch_of(const output_spec& spec, const export_request& request)
{
    return spec.source_date_epoch ? spec.source_date_epoch : request.source_date_epoch;
}

std::string variant_key(const std::string& compression, int level, std::optional<std::int64_t> clamp)
{
    return compression + "|" + std::to_string(level) + "|" + (clamp ? std::to_string(*clamp) : "-");
}

class store_set {
public:
    store_set(plugin::registry& plugins, std::filesystem::path location) : plugins_(plugins), location_(std::move(location)) {}
    ~store_set()
    {
        spool_.reset();
        std::error_code ec;
        if (!spool_dir_.empty()) std::filesystem::remove_all(spool_dir_, ec);
    }
    plugin::store* get(const std::string& backend)
    {
        auto& s = stores_[backend];
        if (!s) s = std::make_unique<plugin::store>(plugins_.get(LADING_KIND_STORE, backend), location_.string());
        return s.get();
    }
    // A private temporary store for store=false,push=true: blobs wait there for the push
    // and are removed with it.
    plugin::store* spool()
    {
        if (!spool_) {
            auto base = std::filesystem::temp_directory_path() / "lading-spool-XXXXXX";
            std::string tmpl = base.string();
            if (!::mkdtemp(tmpl.data())) throw error("cannot create a temporary directory for the push");
            spool_dir_ = tmpl;
            spool_ = std::make_unique<plugin::store>(plugins_.get(LADING_KIND_STORE, "oci-layout"), spool_dir_.string());
        }
        return spool_.get();
    }
    // Where an output's blobs go: its store, the spool when it only pushes, else nowhere.
    plugin::store* for_output(const output_spec& spec)
    {
        if (spec.store) return get(spec.store_backend);
        if (spec.push) return spool();
        return nullptr;
    }

private:
    plugin::registry& plugins_;
    std::filesystem::path location_;
    std::map<std::string, std::unique_ptr<plugin::store>> stores_;
    std::filesystem::path spool_dir_;
    std::unique_ptr<plugin::store> spool_;
};

void add_unique(std::vector<plugin::store*>& v, plugin::store* s)
{
    for (auto* existing : v)
        if (existing == s) return;
    v.push_back(s);
}

bool pushes_only_to(const output_spec& spec, const std::string& host)
{
    if (!spec.push || host.empty() || spec.names.empty()) return false;
    for (const auto& n : spec.names)
        if (parse_reference(n).domain != host) return false;
    return spec.dangling_name_prefix.empty() || parse_reference(spec.dangling_name_prefix).domain == host;
}

// A base layer keeps its bytes; only its media type follows the output's family.
descriptor relabel_layer(const descriptor& layer, const plugin::media_types& types)
{
    descriptor d = layer;
    d.media_type = types.of(LADING_OBJECT_LAYER, types.base_layer_suffix(layer));
    d.platform.reset();
    if (!types.can(LADING_CAN_LAYER_ANNOTATIONS)) d.annotations.clear();
    return d;
}

// A layer blob this export wrote: a new layer, or a base layer converted for force-compression.
descriptor written_layer(const digest& blob, std::uint64_t size, const std::string& media_suffix,
                         const annotation_map& annotations, const plugin::media_types& types)
{
    descriptor d{types.of(LADING_OBJECT_LAYER, media_suffix), blob, size, {}, std::nullopt, {}};
    if (types.can(LADING_CAN_LAYER_ANNOTATIONS)) d.annotations = annotations;
    return d;
}

void check_layers_exist(const std::vector<std::filesystem::path>& layers)
{
    if (layers.empty()) return;
    for (const auto& l : layers) {
        std::error_code ec;
        if (!std::filesystem::exists(l, ec)) throw error("layer " + l.string() + " does not exist");
    }
}

}  // namespace

namespace {

// What one platform of the export is made of.
struct platform_plan {
    image_settings settings;
    std::optional<base_image> base;
    std::vector<std::size_t> layers;  // indices into request.layers, in stacking order
};

std::vector<platform_plan> plan_platforms(const export_request& request, plugin::registry& plugins)
{
    std::vector<platform> wanted = request.platforms;
    const bool given = !wanted.empty();
    if (!given) wanted.push_back(request.settings.platform);
    std::vector<platform_plan> plans;
    for (const auto& p : wanted) {
        platform_plan plan;
        plan.settings = request.settings;
        plan.settings.platform = p;
        plan.base = resolve_base_image(request.from, p, plugins, request.hosts);
        if (plan.base) {
            if (given && !(plan.base->platform == p))
                throw error("--from " + request.from + " is an image for " + plan.base->platform.str() + ", not " + p.str());
            plan.settings.platform = plan.base->platform;
        }
        for (std::size_t i = 0; i < request.layers.size(); ++i)
            if (!request.layers[i].only || *request.layers[i].only == plan.settings.platform) plan.layers.push_back(i);
        plans.push_back(std::move(plan));
    }
    for (const auto& l : request.layers)
        if (l.only && std::none_of(plans.begin(), plans.end(), [&](const platform_plan& p) { return p.settings.platform == *l.only; }))
            throw usage_error("--layer " + l.only->str() + "=" + l.path.string() + " names a platform that is not built");
    return plans;
}

// One platform's config and manifest, written to `sink`; returns the manifest's descriptor
// as the index (or the store) lists it.
struct rendered_image {
    descriptor manifest;
    digest config;
};

rendered_image render_image(const platform_plan& plan, const output_spec& spec, const layer_variant& v,
                            const base_layer_conversions& conversions, const plugin::media_types& types,
                            const blob_sink& sink, bool in_index, std::int64_t created)
{
    std::vector<descriptor> layer_descriptors;
    std::vector<digest> diff_ids;
    std::vector<layer_history> history;
    if (plan.base)
        for (std::size_t k = 0; k < plan.base->layers.size(); ++k) {
            const auto& b = plan.base->layers[k];
            const auto* c = conversions.find(spec, b);
            layer_descriptors.push_back(c ? written_layer(c->blob, c->size, c->media_suffix, c->annotations, types)
                                            : relabel_layer(b, types));
            diff_ids.push_back(c ? c->diff_id : plan.base->diff_ids.at(k));
        }
    for (auto i : plan.layers) {
        const auto& l = v.layers[i];
        layer_descriptors.push_back(written_layer(l.blob, l.size, l.media_suffix, l.annotations, types));
        diff_ids.push_back(l.diff_id);
        history.push_back({"lading export: layer " + std::to_string(i + 1), "lading"});
    }
    auto config = make_json_blob(types.of(LADING_OBJECT_CONFIG),
                                 plan.base ? derive_image_config(*plan.base, plan.settings, diff_ids, history, created)
                                           : build_image_config(plan.settings, diff_ids, history, created));
    auto annotations = annotations_for_manifest(spec, plan.settings.platform, in_index);
    auto manifest = make_json_blob(
        types.of(LADING_OBJECT_MANIFEST),
        build_manifest(types.of(LADING_OBJECT_MANIFEST), config.descriptor, layer_descriptors, annotations.manifest));
    sink.put(config.descriptor.digest, config.bytes);
    sink.put(manifest.descriptor.digest, manifest.bytes);
    descriptor d = manifest.descriptor;
    d.platform = plan.settings.platform;
    d.annotations = annotations.descriptor;
    return {std::move(d), config.descriptor.digest};
}

struct attestation_times {
    std::int64_t started;
    std::optional<std::int64_t> epoch;
};

// Writes one attestation manifest per platform manifest; returns their index entries.
std::vector<descriptor> attach_attestations(const attestation::export_attestations& attestations,
                                            const export_request& request, const output_spec& spec,
                                            const std::vector<platform_plan>& plans, const layer_variant& v,
                                            const std::vector<descriptor>& manifests,
                                            const plugin::media_types& types, const blob_sink& sink,
                                            const attestation_times& times)
{
    const attestation::attestation_manifest_format format{types.of(LADING_OBJECT_MANIFEST),
                                                          types.of(LADING_OBJECT_CONFIG),
                                                          spec.oci_artifact.value_or(false)};
    std::vector<descriptor> entries;
    for (std::size_t p = 0; p < plans.size(); ++p) {
        const auto& plan = plans[p];
        attestation::attested_image image{request, spec, plan.settings.platform, manifests[p], {}, times.started,
                                          times.epoch};
        if (plan.base)
            image.materials.push_back(attestation::base_image_material(plan.base->reference,
                                                                       plan.base->manifest_digest,
                                                                       plan.settings.platform));
        for (auto i : plan.layers)
            image.materials.push_back(attestation::layer_material(request.layers[i].path, v.layers[i].diff_id));
        auto made = attestation::build_attestation_manifest(attestations.statements_for(image), manifests[p], format);
        for (const auto& blob : made.blobs) sink.put(blob.descriptor.digest, blob.bytes);
        sink.put(made.manifest.descriptor.digest, made.manifest.bytes);
        entries.push_back(std::move(made.index_entry));
    }
    return entries;
}

}  // namespace

std::vector<output_result> run_export(const export_request& given, plugin::registry& plugins,
                                      progress_listener& progress)
{
    const auto started = static_cast<std::int64_t>(std::time(nullptr));
    const export_request request = with_attestation_defaults(given, plugins);
    if (request.outputs.empty()) throw usage_error("no --output given; add e.g. --output type=image,name=app:1");
    for (const auto& spec : request.outputs) check_output(spec, plugins);
    std::vector<std::filesystem::path> paths;
    for (const auto& l : request.layers) paths.push_back(l.path);
    check_layers_exist(paths);
    const attestation::export_attestations attestations(request.attestations);

    // registry.insecure applies to the pushed registry only, never to the base image's pull.
    auto plans = plan_platforms(request, plugins);
    // The root is an index for several platforms, and always with attestations (as in BuildKit).
    const bool root_is_index = plans.size() > 1 || !attestations.empty();
    std::vector<platform> built;
    for (const auto& p : plans) built.push_back(p.settings.platform);
    for (const auto& spec : request.outputs) {
        check_annotation_platforms(spec, built);
        auto index = annotations_for_index(spec);
        if (!root_is_index && (!index.index.empty() || !index.descriptor.empty()))
            throw usage_error("invalid --output: index annotations not supported for single platform export");
    }

    store_set stores(plugins, request.store_location);
    std::map<std::string, layer_variant> variants;
    std::vector<std::string> variant_of_output;
    for (const auto& spec : request.outputs) {
        plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, spec.compression));
        int level = spec.compression_level.value_or(codec.level_default());
        auto clamp = spec.rewrite_timestamp ? epoch_of(spec, request) : std::nullopt;
        auto key = variant_key(spec.compression, level, clamp);
        auto& v = variants[key];
        v.compression = spec.compression;
        v.level = level;
        v.clamp = clamp;
        if (auto* target = stores.for_output(spec)) add_unique(v.stores, target);
        variant_of_output.push_back(key);
    }
    base_layer_conversions conversions;
    for (std::size_t o = 0; o < request.outputs.size(); ++o)
        for (const auto& plan : plans)
            if (plan.base)
                conversions.add(request.outputs[o], variants.at(variant_of_output[o]).level, *plan.base,
                                stores.for_output(request.outputs[o]), plugins);
    if (std::any_of(request.outputs.begin(), request.outputs.end(),
                    [&](const output_spec& s) { return s.rewrite_timestamp && !epoch_of(s, request); }))
        progress.step("warning: rewrite-timestamp=true without SOURCE_DATE_EPOCH: times are kept as they are");

    // Build every (variant, layer) pair once, whatever the number of platforms using it.
    struct job {
        layer_variant* variant;
        std::size_t layer;
    };
    std::vector<job> jobs;
    for (auto& [key, v] : variants) {
        v.layers.resize(request.layers.size());
        for (std::size_t i = 0; i < request.layers.size(); ++i) jobs.push_back({&v, i});
    }
    const auto conversion_jobs = conversions.prepare([&]() -> plugin::store& { return *stores.spool(); }, progress);
    run_parallel(jobs.size() + conversion_jobs, [&](std::size_t j) {
        if (j >= jobs.size()) return conversions.convert(j - jobs.size(), plugins, request.threads, progress, j);
        auto& [v, i] = jobs[j];
        plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, v->compression));
        const auto& path = request.layers[i].path;
        progress.layer_started(j, path.string() + " (" + v->compression + ")");
        auto source = layer::open_layer_source(path, plugins, v->clamp);
        layer::compression_choice choice{&codec, v->level, request.threads};
        blob_sink sink(v->stores);
        v->layers[i] = layer::build_layer(*source, choice, sink, progress, j);
        progress.layer_done(j, v->layers[i].blob, v->layers[i].size);
    });

    // Every layer succeeded: make them durable before anything refers to them.
    for (auto& [key, v] : variants)
        for (auto& l : v.layers) l.pending->commit(l.blob);
    conversions.commit();
    // Base layers go into every store that will hold the image. An output that only pushes
    // needs no copies: the push mounts them on the base's registry or reads them in place.
    for (const auto& plan : plans) {
        if (!plan.base) continue;
        for (const auto& spec : request.outputs) {
            auto* target = stores.for_output(spec);
            if (!target || (!spec.store && (pushes_only_to(spec, plan.base->registry_host) || plan.base->open_local_blob)))
                continue;
            for (const auto& l : plan.base->layers)
                if (!conversions.find(spec, l)) plan.base->copy_blob(l, *target);
        }
    }

    std::vector<output_result> results;
    std::vector<registry::push_job> pushes;
    struct naming {
        plugin::store* store;
        bool unpack;
        std::vector<plugin::store::binding> bindings;  // never empty; all bind the same root
    };
    std::vector<naming> namings;
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (std::size_t o = 0; o < request.outputs.size(); ++o) {
        const auto& spec = request.outputs[o];
        const auto& v = variants.at(variant_of_output[o]);
        plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, spec.media_type_family()));
        auto* target_store = stores.for_output(spec);
        blob_sink sink(target_store ? std::vector<plugin::store*>{target_store} : std::vector<plugin::store*>{});
        const auto epoch = epoch_of(spec, request);

        output_result result;
        std::vector<descriptor> manifests;
        for (const auto& plan : plans) {
            auto image = render_image(plan, spec, v, conversions, types, sink, root_is_index, epoch.value_or(now));
            manifests.push_back(std::move(image.manifest));
            result.config = image.config;
        }
        if (!attestations.empty()) {
            // One attestation manifest per platform manifest, listed after all of them.
            auto entries = attach_attestations(attestations, request, spec, plans, v, manifests, types, sink,
                                               {started, epoch});
            manifests.insert(manifests.end(), entries.begin(), entries.end());
        }
        if (root_is_index) {
            auto annotations = annotations_for_index(spec);
            auto index = make_json_blob(types.of(LADING_OBJECT_INDEX),
                                        build_index(types.of(LADING_OBJECT_INDEX), manifests, annotations.index));
            sink.put(index.descriptor.digest, index.bytes);
            result.root = index.descriptor;
            result.root.annotations = annotations.descriptor;
            result.config = digest();
        } else {
            result.root = manifests.front();
        }

        result.names = final_names(spec, result.root.digest);
        if (spec.store && !result.names.empty()) {
            naming n{stores.get(spec.store_backend), spec.unpack, {}};
            for (const auto& name : result.names) n.bindings.push_back({name, normalized_name(name), result.root});
            namings.push_back(std::move(n));
        }
        if (spec.push)
            for (const auto& n : result.names) {
                registry::push_job job{parse_reference(n), spec.push_by_digest, result.root, target_store,
                                       spec.registry_insecure, {}, {}, {}, {}};
                for (const auto& plan : plans) {
                    if (!plan.base) continue;
                    if (!spec.store && plan.base->open_local_blob) job.open_elsewhere = plan.base->open_local_blob;
                    if (job.target.domain == plan.base->registry_host) {
                        job.mount_from_repository = plan.base->repository;
                        if (target_store)
                            job.fetch_into_source = [&base = *plan.base, target_store](const descriptor& d) {
                                base.copy_blob(d, *target_store);
                            };
                        for (const auto& l : plan.base->layers)
                            if (!conversions.find(spec, l)) job.mountable.push_back(l.digest);
                    }
                }
                pushes.push_back(std::move(job));
            }
        progress.step("exported " + result.root.digest.str() +
                      (result.names.empty() ? std::string() : " as " + result.names.front()));
        results.push_back(std::move(result));
    }
    // Names are bound once every output is complete and unpacked, so that a failure in any
    // output leaves every name as it was.
    for (const auto& n : namings)
        if (n.unpack) unpack::unpack_image(*n.store, n.bindings.front().descriptor, plugins, progress);
    for (const auto& n : namings) n.store->set_names(n.bindings);
    if (!pushes.empty()) registry::push_images(pushes, {request.hosts.parallel_uploads, &request.hosts}, progress, request.stop);
    return results;
}

}  // namespace lading
