#include "base/base_image.hpp"
#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>

namespace lading {

descriptor pick_platform(const boost::json::object& index, const platform& wanted, const std::string& what,
                         const platform_reader& platform_of_unlabelled)
{
    auto* manifests = index.if_contains("manifests");
    if (!manifests || !manifests->is_array()) throw error(what + " is an index without manifests");
    const auto w = wanted.normalized();
    std::string available;
    std::optional<descriptor> chosen;
    for (const auto& m : manifests->as_array()) {
        auto d = descriptor::from_json(m);
        // An entry that states no platform is the image its config describes, as containerd
        // reads it; a nested index without one is passed over.
        if (!d.platform && platform_of_unlabelled && media_types::is_image_manifest(d.media_type))
            if (auto stated = platform_of_unlabelled(d); !stated.os.empty() && !stated.architecture.empty())
                d.platform = std::move(stated);
        if (!d.platform) continue;
        available += (available.empty() ? "" : ", ") + d.platform->full_str();
        if (!w.matches(*d.platform)) continue;
        // Among entries that match, containerd prefers the one with more os.features, then the first.
        if (!chosen || d.platform->os_features.size() > chosen->platform->os_features.size()) chosen = std::move(d);
    }
    if (chosen) return *chosen;
    throw error(what + " has no image for " + w.full_str() + " (it has: " + (available.empty() ? "none" : available) + ")");
}

}  // namespace lading
