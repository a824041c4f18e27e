// lading-mirror: the pull-through registry mirror host (see mirror_command_line.cpp).
#include "mirror_command_line.hpp"

#include <lading/error.hpp>
#include <lading/host_config.hpp>
#include <lading/mirror/mirror_server.hpp>
#include <lading/plugin/catalog.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sys/resource.h>

namespace {

// A server's connections and cache files need more descriptors than the usual soft limit of
// 1024; the hard limit is what the administrator allows.
void raise_descriptor_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace lading;
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        auto cmd = mirror_host::parse_mirror_command(args);
        if (cmd.help) {
            std::cout << mirror_host::mirror_usage;
            return 0;
        }
        raise_descriptor_limit();
        auto hosts = load_host_config(std::nullopt);
        std::vector<std::filesystem::path> flags(cmd.plugin_path.begin(), cmd.plugin_path.end());
        plugin::catalog plugins(plugin::catalog::default_search_path(flags, hosts.plugin_path));
        cmd.server.hosts = &hosts;
        cmd.server.log = [](std::string_view line) { std::cerr << line << '\n'; };
        boost::asio::io_context io;
        mirror::server server(io.get_executor(), plugins, cmd.server);
        server.start();
        std::cerr << "lading-mirror: serving on " << server.local_endpoint() << " from " << cmd.server.cache.string()
                  << '\n';
        // The first signal stops accepting and lets the requests under way finish; the handler
        // is removed then, so that a second signal ends the program at once.
        boost::asio::signal_set signals(io, SIGTERM, SIGINT);
        std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                                    int) {
            if (ec) return;
            std::cerr << "lading-mirror: stopping\n";
            server.stop();
            signals.clear();
        };
        signals.async_wait(on_signal);
        io.run();
        return 0;
    } catch (const usage_error& e) {
        std::cerr << "lading-mirror: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lading-mirror: " << e.what() << '\n';
        return 1;
    }
}
