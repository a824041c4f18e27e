// The image an export builds on (--from): its config, its layers, and where their bytes are.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/host_config.hpp>
#include <lading/oci/image_config.hpp>
#include <lading/plugin/catalog.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lading {

namespace plugin {
class store;
}

struct base_image {
    std::string reference;  // as the user gave it
    lading::digest manifest_digest;  // the manifest used (for an index: the one for the platform)
    boost::json::object config;
    std::vector<descriptor> layers;
    std::vector<digest> diff_ids;
    // As its config states (os.version and os.features it lacks from its index entry), normalized().
    lading::platform platform;
    // For a registry base: where its blobs live, so a push to the same registry can mount
    // them instead of moving their bytes.
    std::string registry_host, repository;
    // Copies one of the base's blobs into a store (no-op when it is already there).
    std::function<void(const descriptor&, plugin::store&)> copy_blob;
    // Reads one of the base's blobs where it lies, when that is a local layout (else empty).
    std::function<std::unique_ptr<byte_source>(const digest&)> open_local_blob;
};

// Resolves "scratch" (nullopt), "oci-layout://DIR:TAG", "oci-layout://DIR@sha256:...",
// "containerd://NAME" or a registry reference; from an index, picks the manifest for `wanted`.
// Throws lading::error saying what could not be found.
// Registry bases are read from the host configuration's mirrors first, then the registry.
// containerd is reached at daemon_store_address, or where its plugin looks by default ("").
std::optional<base_image> resolve_base_image(const std::string& from, const platform& wanted,
                                             plugin::catalog& plugins, const host_config& hosts,
                                             const std::string& daemon_store_address = {});

// The base's config with its platform normalised, the export's settings applied on top and
// the new history appended;
// `diff_ids` lists every layer, the base's first (a converted base layer may change its own).
boost::json::object derive_image_config(const base_image& base, const image_settings& settings,
                                        const std::vector<digest>& diff_ids,
                                        const std::vector<layer_history>& new_history, std::int64_t created);

// The platform an image manifest's config states, read through its index entry.
using platform_reader = std::function<platform(const descriptor& manifest)>;

// Picks the manifest descriptor for `wanted` from an index document as containerd does:
// among the entries `wanted` matches (platform::matches), the one with the most os.features,
// then the first listed. An image manifest entry without a platform counts as the platform
// `platform_of_unlabelled` reads from its config (without a reader, it is passed over).
descriptor pick_platform(const boost::json::object& index, const platform& wanted, const std::string& what,
                         const platform_reader& platform_of_unlabelled = {});

}  // namespace lading
