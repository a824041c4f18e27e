#include "local_store.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>
#include "export/image_names.hpp"

namespace lading::cli {

namespace {
// containerd keeps names in their normalised form (docker.io/library/app:1).
std::string normalized_form(const std::string& name)
{
    try {
        return normalized_name(name);
    } catch (const std::exception&) {
        return name;
    }
}
}  // namespace

std::unique_ptr<plugin::store> open_store(const command_line& cl, plugin::catalog& plugins)
{
    const auto& backend = plugins.get(LADING_KIND_STORE, cl.last("--backend").value_or("oci-layout"));
    auto location = plugin::location_for(backend, store_location(cl.last("--store")), cl.last("--store").value_or(""));
    if (plugin::features_of(backend).read_only) {
        plugin::store probe(backend, location, plugin::open_mode::read_only);
    }
    return std::make_unique<plugin::store>(backend, location);
}

digest find_stored(plugin::store& store, const std::string& name_or_digest)
{
    std::optional<digest> target = digest::parse(name_or_digest);
    if (!target) {
        const auto listing = store.list_names();
        auto wanted = [&](const std::string& n) { return n == name_or_digest || n == normalized_form(name_or_digest); };
        for (const auto& n : listing.names)
            if (wanted(n.name)) target = n.descriptor.digest;
        if (!target)
            if (auto* bad = listing.unreadable_as(wanted)) throw error("in " + store.location() + ", " + bad->describe());
    }
    if (!target) throw error("no image named \"" + name_or_digest + "\" in " + store.location() + "; see lading images");
    if (!store.blob_size(*target)) throw error("blob " + target->str() + " is not in " + store.location());
    return *target;
}

std::vector<flag_spec> store_flags()
{
    return {
        {{"--store"}, "DIR", "local store (default $LADING_STORE, else ~/.local/share/lading/store); "
                             "containerd's socket with --backend containerd (default $CONTAINERD_ADDRESS)"},
        {{"--backend"}, "NAME", "store plugin (default oci-layout; containerd: $CONTAINERD_NAMESPACE)"},
        {{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"},
    };
}

}  // namespace lading::cli
