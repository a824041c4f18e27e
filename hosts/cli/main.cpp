// The lading command: exports container images without a daemon.
#include "commands.hpp"
#include "one_line.hpp"

#include <lading/error.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace lading::cli;

const command_spec& version_spec()
{
    static const command_spec spec{
        .name = "version",
        .usage = "lading version",
        .summary = "Prints lading's version.",
        .flags = {},
        .examples = {"lading version"},
        .details = {},
    };
    return spec;
}

int version_command(const std::vector<std::string>& args)
{
    command_line cl(args, version_spec());
    if (cl.help_requested()) return print_help(version_spec());
    if (!cl.positionals().empty()) throw lading::usage_error("lading version takes no arguments");
    std::cout << "lading " LADING_VERSION << '\n';
    return 0;
}

struct command {
    const char* name;
    const command_spec& (*spec)();
    int (*run)(const std::vector<std::string>&);
};

const command commands[] = {
    {"export", export_spec, export_command},    {"bake", bake_spec, bake_command},
    {"images", images_spec, images_command},
    {"inspect", inspect_spec, inspect_command}, {"store", store_check_spec, store_command},
    {"plugins", plugins_spec, plugins_command}, {"login", login_spec, login_command},
    {"imagetools", imagetools_spec, imagetools_command},
    {"convert", convert_spec, convert_command},
    {"version", version_spec, version_command},
};

const command* find_command(const std::string& name)
{
    for (const auto& c : commands)
        if (name == c.name) return &c;
    return nullptr;
}

std::string overview()
{
    std::string text = "usage: lading COMMAND [ARGS]\n\n"
                       "Exports container images without a daemon, as BuildKit's image and registry exporters do.\n\n"
                       "Commands:\n";
    for (const auto& c : commands) {
        std::string name = c.spec().name;
        text += "  " + name + std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') + c.spec().summary + "\n";
    }
    text += "\nRun lading COMMAND --help for a command's flags and examples.\n"
            "SPEC (export --output) is buildx's syntax, e.g. type=image,name=app:1,compression=zstd\n";
    return text;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty()) throw lading::usage_error("no command given; run lading --help to list the commands");
        std::string name = args[0];
        args.erase(args.begin());
        if (name == "--help" || name == "-h" || (name == "help" && args.empty())) {
            std::cout << overview();
            return 0;
        }
        if (name == "--version") name = "version";
        if (name == "help") {  // lading help COMMAND
            name = args[0];
            args = {"--help"};
        }
        const auto* c = find_command(name);
        if (!c) throw lading::usage_error("unknown command \"" + name + "\"; run lading --help");
        return c->run(args);
    } catch (const lading::usage_error& e) {
        std::cerr << "lading: " << one_line(e.what()) << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lading: " << one_line(e.what()) << '\n';
        return 1;
    }
}
