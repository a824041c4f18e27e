#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"

#include <lading/error.hpp>

#include <iostream>

namespace lading::cli {

const command_spec& plugins_spec()
{
    static const command_spec spec{
        .name = "plugins",
        .usage = "lading plugins [--plugin-path DIR]",
        .summary = "Lists the plugins lading finds, one \"KIND<TAB>NAME<TAB>VERSION<TAB>ABI<TAB>FILE\" line each.",
        .flags = {{{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"}},
        .examples = {"lading plugins", "lading plugins --plugin-path ./my-plugins"},
        .details = "A plugin that cannot be loaded is reported on stderr and the exit status is 1.\n",
    };
    return spec;
}

int plugins_command(const std::vector<std::string>& args)
{
    command_line cl(args, plugins_spec());
    if (cl.help_requested()) return print_help(plugins_spec());
    if (!cl.positionals().empty()) throw usage_error("lading plugins takes no arguments");
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    int status = 0;
    for (const auto& p : plugins.list()) {
        if (!p.problem.empty()) {
            std::cerr << "lading: " << p.problem << '\n';
            status = 1;
            continue;
        }
        std::cout << p.kind << '\t' << p.name << '\t' << p.version << '\t' << p.abi_version << '\t' << p.file.string()
                  << '\n';
    }
    return status;
}

}  // namespace lading::cli
