#include "local_store.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>

namespace lading::cli {

std::unique_ptr<plugin::store> open_store(const command_line& cl, plugin::catalog& plugins)
{
    auto location = store_location(cl.last("--store")).string();
    const auto& backend = plugins.get(LADING_KIND_STORE, cl.last("--backend").value_or("oci-layout"));
    if (plugin::features_of(backend).read_only) {
        plugin::store probe(backend, location, plugin::open_mode::read_only);
    }
    return std::make_unique<plugin::store>(backend, location);
}

digest find_stored(plugin::store& store, const std::string& name_or_digest)
{
    std::optional<digest> target = digest::parse(name_or_digest);
    if (!target)
        for (const auto& n : store.names())
            if (n.name == name_or_digest) target = n.descriptor.digest;
    if (!target) throw error("no image named \"" + name_or_digest + "\" in " + store.location() + "; see lading images");
    if (!store.blob_size(*target)) throw error("blob " + target->str() + " is not in " + store.location());
    return *target;
}

std::vector<flag_spec> store_flags()
{
    return {
        {{"--store"}, "DIR", "local store (default $LADING_STORE, else ~/.local/share/lading/store)"},
        {{"--backend"}, "NAME", "store plugin (default oci-layout)"},
        {{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"},
    };
}

}  // namespace lading::cli
