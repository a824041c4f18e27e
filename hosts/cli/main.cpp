// The lading command: exports container images without a daemon.
#include "commands.hpp"

#include <lading/error.hpp>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage_text = R"(usage: lading COMMAND [ARGS]

  export [CONTEXT_DIR] [--layer PATH]... --output SPEC [--output SPEC]...
         [--platform OS/ARCH[/VARIANT]] [--entrypoint X] [--cmd X] [--env K=V]...
         [--workdir D] [--user U] [--label K=V]... [--source-date-epoch N]
         [--attest type=sbom,path=FILE]... [--attest type=provenance[,path=FILE]]
         [--metadata-file F] [--store DIR] [--progress auto|plain|tty|rawjson|quiet]
         [--plugin-path DIR]
  images  [--store DIR]             names in the local store and their digests
  inspect NAME|DIGEST [--store DIR] print a manifest from the local store
  store check [--store DIR]         verify every blob and name of the local store
  plugins [--plugin-path DIR]       the plugins lading finds
  login REGISTRY -u USER --password-stdin [--insecure]
                                    check credentials and save them in docker's config.json
  version

SPEC is buildx's --output syntax, e.g. type=image,name=app:1,compression=zstd,oci-mediatypes=true
)";

// Keeps an error to one line whatever a lower layer put in it.
std::string one_line(std::string s)
{
    for (auto& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(usage_text, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    try {
        if (command == "export") return lading::cli::export_command(args);
        if (command == "images") return lading::cli::images_command(args);
        if (command == "inspect") return lading::cli::inspect_command(args);
        if (command == "plugins") return lading::cli::plugins_command(args);
        if (command == "login") return lading::cli::login_command(args);
        if (command == "store") return lading::cli::store_command(args);
        if (command == "version" || command == "--version") {
            std::cout << "lading " LADING_VERSION << '\n';
            return 0;
        }
        throw lading::usage_error("unknown command \"" + command + "\"; run lading --help");
    } catch (const lading::usage_error& e) {
        std::cerr << "lading: " << one_line(e.what()) << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lading: " << one_line(e.what()) << '\n';
        return 1;
    }
}
