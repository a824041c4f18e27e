#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"
#include "local_store.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <iostream>

namespace lading::cli {

const command_spec& images_spec()
{
    static const command_spec spec{
        .name = "images",
        .usage = "lading images [--store DIR]",
        .summary = "Lists the names in the local store, one \"NAME<TAB>DIGEST\" line each.",
        .flags = store_flags(),
        .examples = {"lading images", "lading images --store ./store"},
        .details = "An entry of the store's index that lading cannot use (a damaged descriptor, a name that is\n"
                   "not a string) is left out of the list and named in one warning line on stderr each;\n"
                   "lading store check reports it as a fault.\n",
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
    const auto listing = store->list_names();
    for (const auto& n : listing.names) std::cout << n.name << '\t' << n.descriptor.digest.str() << '\n';
    // Not on stdout, which scripts read as NAME<TAB>DIGEST lines.
    for (const auto& u : listing.unreadable) std::cerr << "lading: warning: " << u.describe() << '\n';
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

    std::cout << store->read_small_blob(find_stored(*store, wanted), 4 << 20) << '\n';
    return 0;
}

}  // namespace lading::cli
