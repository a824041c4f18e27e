// What one export will do, decided before any work starts: a plain value that the export
// stages (build, commit, render, attest, name, unpack, push) carry out in order.
#pragma once

#include "base/base_image.hpp"
#include <lading/export/export_request.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lading {

// One platform of the export: its settings, its base, and which --layer inputs it stacks.
struct planned_platform {
    image_settings settings;
    std::optional<base_image> base;
    std::vector<std::size_t> layers;  // indices into request.layers, in stacking order
};

// Outputs that ask for the same compression, level and time clamp share their new layers:
// every --layer is built once per variant, whatever the number of outputs and platforms.
struct layer_variant_plan {
    std::string compression;
    int level = 0;
    std::optional<std::int64_t> clamp;  // rewrite-timestamp: file times are clamped to this
    std::vector<std::size_t> outputs;   // whose blob destinations receive the layers
};

// A base layer re-encoded for force-compression, once for every output asking for it.
struct base_layer_conversion_plan {
    std::size_t platform = 0;  // whose base holds the source blob (the first that lists it)
    descriptor source;
    digest diff_id;  // of the source, as the base's config lists it
    std::string compression;
    int level = 0;
    std::vector<std::size_t> outputs;  // whose blob destinations receive the converted blob
};

// Where an output's blobs are written.
enum class blob_destination {
    nowhere,  // store=false and no push: blobs are hashed only
    store,    // the output's store backend
    spool,    // store=false, push=true: a private temporary store the push reads from
};

// A final name: `text` as is, or "<text>@<root digest>" (name-canonical, dangling names).
struct name_rule {
    std::string text;
    bool root_digest_appended = false;
};

// How the push of one final name reuses the base image's blobs.
struct planned_push {
    std::size_t name = 0;               // index into output_plan::names
    std::string mount_from_repository;  // the base's repository on the same registry, if any
    std::vector<digest> mountable;      // base layers pushed by cross-repo mount
    // The platforms whose local base blobs the push reads where they lie (the output keeps
    // no copies).
    std::vector<std::size_t> reads_bases_of;
    // The platform whose base fetches a layer into the blob destination when the registry
    // declines the mount, if any.
    std::optional<std::size_t> fetches_base_of;
};

struct output_plan {
    std::size_t variant = 0;  // index into export_plan::variants
    blob_destination destination = blob_destination::nowhere;
    std::optional<std::int64_t> epoch;  // SOURCE_DATE_EPOCH of this output
    // [platform][base layer]: the conversion that replaces the layer, none when it keeps
    // its bytes (only its media type follows the output's family).
    std::vector<std::vector<std::optional<std::size_t>>> base_layers;
    // [platform]: whether the kept base layers are copied into the blob destination.
    std::vector<bool> copies_base_layers;
    std::vector<name_rule> names;  // in BuildKit's order
    bool names_in_store = false;   // the store binds the final names to the root
    bool unpack = false;
    std::vector<planned_push> pushes;  // one per final name when push=true
};

struct export_plan {
    export_request request;  // as exported: attestation defaults applied to the outputs
    std::vector<planned_platform> platforms;
    // The root is an index for several platforms, and always with attestations (as in BuildKit).
    bool root_is_index = false;
    bool attestations = false;  // every image gets an attestation manifest
    std::vector<layer_variant_plan> variants;
    std::vector<base_layer_conversion_plan> conversions;
    std::vector<output_plan> outputs;  // one per request.outputs, same order
    // rewrite-timestamp=true on an output with no SOURCE_DATE_EPOCH: times are kept.
    bool rewrite_without_epoch = false;
    // Platform-qualified annotations a single-manifest root does not take (BuildKit drops them
    // silently; lading says so).
    std::vector<std::string> unapplied_annotations;
};

// The final names of an output whose root has `root`.
std::vector<std::string> final_names(const output_plan& output, const digest& root);

}  // namespace lading
