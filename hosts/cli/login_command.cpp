#include "command_line.hpp"
#include "commands.hpp"
#include "interrupt_signals.hpp"

#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/host_config.hpp>
#include "registry/credentials.hpp"
#include "registry/session.hpp"

#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace lading::cli {

namespace {

// Proves the credentials by asking the registry for something that needs them: a token
// for (or a Basic-authenticated request to) the catalog-free /v2/ endpoint.
void check_login(const std::string& host, const registry::credential& cred, bool insecure, const host_config& hosts)
{
    auto options = registry::options_for(host, &hosts, insecure);
    options.skip_verification_hint = "--insecure";
    options.credentials = cred;
    interrupt_signals interrupts;
    async::run_blocking(
        [&]() -> boost::asio::awaitable<void> {
            registry::session s(co_await boost::asio::this_coro::executor, host, options);
            co_await s.ping();
            registry::request_spec spec;
            spec.target = "/v2/";
            spec.expected = {200};
            spec.what = "login";
            co_await s.send(spec);
        }(),
        interrupts.token());
}

}  // namespace

const command_spec& login_spec()
{
    static const command_spec spec{
        .name = "login",
        .usage = "lading login REGISTRY -u USER --password-stdin [--insecure]",
        .summary = "Checks credentials against a registry and saves them in docker's config.json.",
        .flags =
            {
                {{"-u", "--username"}, "USER", "user name"},
                {{"--password-stdin"}, "", "read the password from stdin"},
                {{"-p", "--password"}, "PASSWORD", "password on the command line (visible to other users)"},
                {{"--insecure"}, "", "plain HTTP or unverified TLS for this registry"},
                {{"--config"}, "FILE", "host configuration file"},
            },
        .examples = {"lading login 127.0.0.1:5000 -u me --password-stdin --insecure < pw.txt",
                     "echo \"$TOKEN\" | lading login registry.example.com -u ci --password-stdin"},
        .details = {},
    };
    return spec;
}

int login_command(const std::vector<std::string>& args)
{
    command_line cl(args, login_spec());
    if (cl.help_requested()) return print_help(login_spec());
    if (cl.positionals().size() != 1)
        throw usage_error("usage: lading login REGISTRY [-u USER] [--password-stdin] [--insecure]");
    // As docker login takes it: a scheme and a path (https://host/v2/) are not part of the host.
    const auto host = registry::key_hostname(cl.positionals().front());
    registry::credential cred;
    cred.username = cl.last("--username").value_or("");
    if (cred.username.empty()) throw usage_error("lading login needs -u USER");
    if (cl.has("--password-stdin")) {
        std::getline(std::cin, cred.password);
        if (!cred.password.empty() && cred.password.back() == '\r') cred.password.pop_back();
    } else if (auto p = cl.last("--password")) {
        std::cerr << "lading: warning: a password on the command line is visible to other users; use --password-stdin\n";
        cred.password = *p;
    }
    if (cred.password.empty()) throw usage_error("no password given: pipe it to --password-stdin");
    auto config_flag = cl.last("--config");
    auto hosts = load_host_config(config_flag ? std::optional<std::filesystem::path>(*config_flag) : std::nullopt);
    check_login(host, cred, cl.has("--insecure"), hosts);
    registry::store_credential(host, cred);
    std::cout << "Login Succeeded\n";
    return 0;
}

}  // namespace lading::cli
