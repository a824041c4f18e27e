#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>
#include "export/image_names.hpp"

#include <iostream>

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

// Through the store's plugin, whatever the store is. A plugin that can open for reading
// only first checks that there is a store, so that none is created here; the store is then
// opened as for an export, which also clears the temporaries killed writers left.
std::unique_ptr<plugin::store> open_store(const command_line& cl, plugin::catalog& plugins)
{
    const auto& backend = plugins.get(LADING_KIND_STORE, cl.last("--backend").value_or("oci-layout"));
    auto location = plugin::location_for(backend, store_location(cl.last("--store")), cl.last("--store").value_or(""));
    if (plugin::features_of(backend).read_only) {
        plugin::store probe(backend, location, plugin::open_mode::read_only);
    }
    return std::make_unique<plugin::store>(backend, location);
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
}  // namespace

const command_spec& images_spec()
{
    static const command_spec spec{
        .name = "images",
        .usage = "lading images [--store DIR]",
        .summary = "Lists the names in the local store, one \"NAME<TAB>DIGEST\" line each.",
        .flags = store_flags(),
        .examples = {"lading images", "lading images --store ./store"},
        .details = {},
    };
    return spec;
}

const command_spec& inspect_spec()
{
    static const command_spec spec{
        .name = "inspect",
        .usage = "lading inspect NAME|DIGEST [--store DIR]",
        .summary = "Prints the manifest or index stored under a name, or any blob by digest, from the local store.",
        .flags = store_flags(),
        .examples = {"lading inspect app:1", "lading inspect sha256:<hex> --store ./store | jq ."},
        .details = {},
    };
    return spec;
}

int images_command(const std::vector<std::string>& args)
{
    command_line cl(args, images_spec());
    if (cl.help_requested()) return print_help(images_spec());
    if (!cl.positionals().empty()) throw usage_error("lading images takes no arguments");
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    auto store = open_store(cl, plugins);
    for (const auto& n : store->names()) std::cout << n.name << '\t' << n.descriptor.digest.str() << '\n';
    return 0;
}

int inspect_command(const std::vector<std::string>& args)
{
    command_line cl(args, inspect_spec());
    if (cl.help_requested()) return print_help(inspect_spec());
    if (cl.positionals().size() != 1) throw usage_error("usage: lading inspect NAME|DIGEST [--store DIR]");
    const auto& wanted = cl.positionals().front();
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    auto store = open_store(cl, plugins);

    std::optional<digest> target = digest::parse(wanted);
    if (!target)
        for (const auto& n : store->names())
            if (n.name == wanted || n.name == normalized_form(wanted)) target = n.descriptor.digest;
    if (!target) throw error("no image named \"" + wanted + "\" in " + store->location() + "; see lading images");
    if (!store->blob_size(*target)) throw error("blob " + target->str() + " is not in " + store->location());
    std::cout << store->read_small_blob(*target, 4 << 20) << '\n';
    return 0;
}

}  // namespace lading::cli
