#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>
#include <lading/store/store_check.hpp>

#include <iostream>

namespace lading::cli {

namespace {

constexpr const char* check_usage = R"(usage: lading store check [--store DIR]

Verifies the local store without changing it: every blob's digest and size, every name's
index, manifests, configs and layers present and intact, and index.json readable.
Prints one line per problem and a summary. Blobs no name reaches ("dangling") and
temporaries left by writers are reported but are not faults.
Exit status: 0 when nothing is wrong, 1 when something is.
)";

int check_command(const std::vector<std::string>& args)
{
    command_line cl(args, {"--store", "--backend", "--plugin-path"}, {});
    if (!cl.positionals().empty()) throw usage_error("lading store check takes no arguments; see lading store check --help");
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    auto location = store_location(cl.last("--store"));
    plugin::store store(plugins.get(LADING_KIND_STORE, cl.last("--backend").value_or("oci-layout")), location.string(),
                        plugin::open_mode::read_only);
    auto report = check_store(store);
    for (const auto& f : report.findings) std::cout << f.text << '\n';
    std::cout << "store " << location.string() << ": " << report.names << " names, " << report.blobs << " blobs, "
              << report.faults << " faults, " << report.dangling << " dangling, "
              << report.temporaries << " temporaries" << '\n';
    return report.faults == 0 ? 0 : 1;
}

}  // namespace

int store_command(const std::vector<std::string>& args)
{
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << check_usage;
        return 0;
    }
    if (args.empty() || args[0] != "check") throw usage_error("usage: lading store check [--store DIR]");
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest)
        if (a == "--help" || a == "-h") {
            std::cout << check_usage;
            return 0;
        }
    return check_command(rest);
}

}  // namespace lading::cli
