#include "command_line.hpp"
#include "commands.hpp"
#include "export_metadata.hpp"
#include "host_environment.hpp"
#include "interrupt_signals.hpp"
#include "progress_printer.hpp"

#include <lading/attestation/attest_option.hpp>
#include <lading/error.hpp>
#include <lading/export/exporter.hpp>
#include <lading/host_config.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <iostream>

namespace lading::cli {

namespace {

// --entrypoint/--cmd take a JSON array (exec form) or one plain string.
std::vector<std::string> parse_command(const std::string& flag, const std::string& text)
{
    if (text.empty()) return {};  // clears it, as docker run's --entrypoint ''
    if (!text.starts_with("[")) return {text};
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_array()) throw usage_error(flag + " \"" + text + "\" is not a JSON array of strings");
    std::vector<std::string> out;
    for (const auto& e : v.get_array()) {
        if (!e.is_string()) throw usage_error(flag + " \"" + text + "\" is not a JSON array of strings");
        out.emplace_back(e.get_string());
    }
    return out;
}

std::pair<std::string, std::string> split_key_value(const std::string& flag, const std::string& text)
{
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) throw usage_error(flag + " \"" + text + "\" must be KEY=VALUE");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::vector<std::string> split_list(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto comma = text.find(',', start);
        out.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

// "PATH" for every platform, or "OS/ARCH[/VARIANT]=PATH" for one platform only.
layer_input parse_layer_argument(const std::string& text)
{
    auto eq = text.find('=');
    if (eq != std::string::npos && eq > 0 && text.substr(0, eq).find('/') != std::string::npos &&
        !std::filesystem::exists(text)) {
        auto prefix = text.substr(0, eq);
        if (prefix.front() != '.' && prefix.front() != '/') return {text.substr(eq + 1), platform::parse(prefix)};
    }
    return {text, std::nullopt};
}

}  // namespace

const command_spec& export_spec()
{
    static const command_spec spec{
        .name = "export",
        .usage = "lading export [CONTEXT_DIR] [--layer PATH]... --output SPEC [--output SPEC]... [flags]",
        .summary = "Builds an image from directories and tarballs and writes it to the local store, a registry, or both.",
        .flags =
            {
                {{"--layer"}, "PATH", "a layer: directory, .tar, .tar.gz or .tar.zst; OS/ARCH=PATH for one platform"},
                {{"-o", "--output"}, "SPEC", "buildx's --output syntax: type=image|registry,name=...,...; repeatable"},
                {{"--from"}, "REF", "base image: scratch (default), oci-layout://DIR:TAG or a registry reference"},
                {{"--platform"}, "OS/ARCH[/V]", "platforms to build, comma-separated (default: this machine)"},
                {{"--entrypoint"}, "CMD", "entrypoint: a JSON array or one string"},
                {{"--cmd"}, "CMD", "command: a JSON array or one string"},
                {{"--env"}, "K=V", "environment variable; repeatable"},
                {{"--workdir"}, "DIR", "working directory"},
                {{"--user"}, "USER", "user (and group) to run as"},
                {{"--label"}, "K=V", "image label; repeatable"},
                {{"--attest"}, "SPEC", "type=sbom,path=FILE or type=provenance[,path=FILE]; repeatable"},
                {{"--source-date-epoch"}, "N", "seconds since 1970 for created times (default $SOURCE_DATE_EPOCH)"},
                {{"--metadata-file"}, "FILE", "write BuildKit's metadata keys as JSON (first output first)"},
                {{"--store"}, "DIR", "local store (default $LADING_STORE, else ~/.local/share/lading/store); "
                                     "containerd's socket for store=containerd (default $CONTAINERD_ADDRESS)"},
                {{"--progress"}, "MODE", "auto, plain, tty, rawjson or quiet, on stderr"},
                {{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"},
                {{"--config"}, "FILE", "host configuration file (registries, plugins)"},
            },
        .examples =
            {
                "lading export ./rootfs --output type=image,name=app:1",
                "lading export ./rootfs --layer extra.tar.zst -o 'type=image,\"name=app:1,app:latest\",compression=zstd'",
                "lading export ./rootfs --platform linux/amd64,linux/arm64 --output type=registry,name=127.0.0.1:5000/app:1",
                "lading export ./rootfs -o type=image,name=app:1,oci-mediatypes=false   # Docker media types",
            },
        .details = "CONTEXT_DIR is one more --layer; layers stack in the order given. Each output prints its root\n"
                   "digest on stdout. OCI media types are the default; oci-mediatypes=false keeps Docker's.\n",
    };
    return spec;
}

int export_command(const std::vector<std::string>& args)
{
    command_line cl(args, export_spec());
    if (cl.help_requested()) return print_help(export_spec());
    export_request request;
    for (const auto& [flag, value] : cl.ordered())
        if (flag.empty() || flag == "--layer") request.layers.push_back(parse_layer_argument(value));
    request.from = cl.last("--from").value_or("scratch");
    if (request.layers.empty() && request.from == "scratch")
        throw usage_error("nothing to export: give a context directory, --layer PATH or --from IMAGE");
    for (const auto& a : cl.all("--attest")) request.attestations.push_back(attestation::parse_attest_option(a));

    request.settings.platform = platform::host();
    for (const auto& text : cl.all("--platform"))
        for (const auto& p : split_list(text)) {
            auto parsed = platform::parse(p);
            if (std::find(request.platforms.begin(), request.platforms.end(), parsed) != request.platforms.end())
                throw usage_error("--platform lists " + parsed.full_str() + " twice");
            request.platforms.push_back(parsed);
        }
    if (auto e = cl.last("--entrypoint")) request.settings.entrypoint = parse_command("--entrypoint", *e);
    if (auto c = cl.last("--cmd")) request.settings.cmd = parse_command("--cmd", *c);
    for (const auto& e : cl.all("--env")) {
        split_key_value("--env", e);
        request.settings.env.push_back(e);
    }
    // As docker's: an empty --workdir or --user keeps the base's value.
    if (auto w = cl.last("--workdir"); w && !w->empty()) request.settings.workdir = *w;
    if (auto u = cl.last("--user"); u && !u->empty()) request.settings.user = *u;
    for (const auto& l : cl.all("--label")) {  // the last value of a key wins, as with docker's --label
        auto [key, value] = split_key_value("--label", l);
        request.settings.labels.insert_or_assign(key, value);
    }

    request.source_date_epoch = source_date_epoch_from_env();
    if (auto s = cl.last("--source-date-epoch")) request.source_date_epoch = parse_source_date_epoch(*s, "--source-date-epoch");

    const auto outputs = cl.all("--output");  // -o and --output, in the order given
    if (outputs.empty()) throw usage_error("no --output given; add e.g. --output type=image,name=app:1");
    for (const auto& o : outputs) request.outputs.push_back(parse_output_spec(o));

    if (auto path = cl.last("--metadata-file")) check_metadata_file_path(*path);
    request.store_location = store_location(cl.last("--store"));
    request.daemon_store_address = cl.last("--store").value_or("");
    request.threads = compressor_threads();
    auto mode = parse_progress_mode(cl.last("--progress").value_or("auto"));

    auto config_flag = cl.last("--config");
    request.hosts = load_host_config(config_flag ? std::optional<std::filesystem::path>(*config_flag) : std::nullopt);
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"), request.hosts.plugin_path);
    progress_printer progress(mode);
    interrupt_signals interrupts;
    request.stop = interrupts.token();
    auto results = run_export(request, plugins, progress);

    if (auto path = cl.last("--metadata-file")) write_metadata_file(*path, export_metadata(results));
    for (const auto& r : results) std::cout << r.root.digest.str() << '\n';
    return 0;
}

}  // namespace lading::cli
