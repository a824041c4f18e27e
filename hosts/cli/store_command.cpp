#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>
#include <lading/store/store_check.hpp>

#include <iostream>

namespace lading::cli {

const command_spec& store_check_spec()
{
    static const command_spec spec{
        .name = "store check",
        .usage = "lading store check [--store DIR]",
        .summary = "Verifies the local store without changing it.",
        .flags =
            {
                {{"--store"}, "DIR", "local store (default $LADING_STORE, else ~/.local/share/lading/store)"},
                {{"--backend"}, "NAME", "store plugin (default oci-layout)"},
                {{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"},
            },
        .examples = {"lading store check", "lading store check --store ./store || echo damaged"},
        .details = "Checks every blob's digest and size, every name's index, manifests, configs and layers\n"
                   "present and intact, index.json readable, and the records lading keeps (conversion records,\n"
                   "push hints) readable. Prints one line per problem and a summary. Blobs no name reaches\n"
                   "(\"dangling\"), temporaries left by writers and conversion records whose blob is gone\n"
                   "(\"stale\") are reported but are not faults. Names whose index.json entries cannot be used are\n"
                   "faults (\"unreadable\"). The unpacked/ area of unpack=true must be a private directory of the\n"
                   "store's owner holding only root filesystems of manifests the store has (\"unsafe\", \"stray\",\n"
                   "\"orphan\" otherwise); an interrupted unpack's temporary is reported, not a fault.\n"
                   "Exit status: 0 when nothing is wrong, 1 when something is.\n",
    };
    return spec;
}

namespace {

int check_command(const std::vector<std::string>& args)
{
    command_line cl(args, store_check_spec());
    if (cl.help_requested()) return print_help(store_check_spec());
    if (!cl.positionals().empty()) throw usage_error("lading store check takes no arguments; see lading store check --help");
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    auto location = store_location(cl.last("--store"));
    plugin::store store(plugins.get(LADING_KIND_STORE, cl.last("--backend").value_or("oci-layout")), location.string(),
                        plugin::open_mode::read_only);
    auto report = check_store(store);
    for (const auto& f : report.findings) std::cout << f.text << '\n';
    std::cout << "store " << location.string() << ": " << report.names << " names, " << report.blobs << " blobs, "
              << report.faults << " faults, " << report.dangling << " dangling, "
              << report.temporaries << " temporaries, " << report.records << " records, " << report.unpacked
              << " unpacked" << '\n';
    return report.faults == 0 ? 0 : 1;
}

}  // namespace

// `check` is the only subcommand, so `lading store --help` shows its help.
int store_command(const std::vector<std::string>& args)
{
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) return print_help(store_check_spec());
    if (args.empty() || args[0] != "check") throw usage_error("usage: lading store check [--store DIR]");
    return check_command(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace lading::cli
