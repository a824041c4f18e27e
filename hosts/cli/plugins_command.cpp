#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"

#include <iostream>

namespace lading::cli {

int plugins_command(const std::vector<std::string>& args)
{
    command_line cl(args, {"--plugin-path"}, {});
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
