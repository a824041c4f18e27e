#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"
#include "interrupt_signals.hpp"
#include "local_store.hpp"

#include "convert/image_variant.hpp"
#include "export/image_names.hpp"

#include <lading/error.hpp>
#include <lading/oci/reference.hpp>

#include <charconv>
#include <iostream>

namespace lading::cli {

const command_spec& convert_spec()
{
    auto flags = store_flags();
    flags.insert(flags.begin(),
                 {
                     {{"--compression"}, "NAME", "compressor plugin for every layer: zstd, estargz, gzip, uncompressed..."},
                     {{"--compression-level"}, "N", "its level (default: the compressor's)"},
                     {{"-t", "--tag"}, "NAME", "name the variant in the store; repeatable (default: SOURCE:TAG-COMPRESSION)"},
                 });
    static const command_spec spec{
        .name = "convert",
        .usage = "lading convert SOURCE --compression NAME [--compression-level N] [-t NAME].. [--store DIR]",
        .summary = "Stores a variant of a stored image with every layer in another compression.",
        .flags = flags,
        .examples = {"lading convert app:1 --compression zstd            # named app:1-zstd",
                     "lading convert app:1 --compression estargz -t app:1-esgz --store ./store",
                     "lading convert sha256:<hex> --compression zstd --compression-level 19 -t app:small"},
        .details = "SOURCE is a name in the local store (see lading images) or the digest of a manifest or\n"
                   "index there. The variant is what lading-mirror serves as REPO:TAG-COMPRESSION: layers re-encoded\n"
                   "(reusing force-compression's earlier conversions), OCI media types, and a subject naming\n"
                   "the original, which is left as it is. Attestation manifests are not carried into a\n"
                   "variant index. Prints the variant's digest. Layers are compressed with $LADING_THREADS\n"
                   "threads each (default: one per core).\n",
    };
    return spec;
}

namespace {

int parse_level(const std::string& text)
{
    int level = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), level);
    if (ec != std::errc() || end != text.data() + text.size())
        throw usage_error("invalid --compression-level \"" + text + "\": expected a whole number");
    return level;
}

// REPO:TAG → REPO:TAG-COMPRESSION, as lading-mirror names its variants; none for a digest.
std::vector<std::string> default_names(const std::string& source, const std::string& compression)
{
    if (digest::parse(source)) return {};
    auto ref = parse_reference(source);
    if (!ref.digest.empty()) return {};
    return {ref.tag.empty() ? source + ":latest-" + compression : source + "-" + compression};
}

}  // namespace

int convert_command(const std::vector<std::string>& args)
{
    command_line cl(args, convert_spec());
    if (cl.help_requested()) return print_help(convert_spec());
    if (cl.positionals().size() != 1) throw usage_error("usage: " + convert_spec().usage);
    auto compression = cl.last("--compression");
    if (!compression) throw usage_error("no --compression given; add e.g. --compression zstd");
    const auto& source = cl.positionals().front();
    convert::variant_request request{*compression, std::nullopt, compressor_threads()};
    if (auto level = cl.last("--compression-level")) request.level = parse_level(*level);
    auto names = cl.has("--tag") ? cl.all("--tag") : default_names(source, *compression);
    for (const auto& n : names) {  // a bad name fails before any work, as a usage error
        try {
            normalized_name(n);
        } catch (const error& e) {
            throw usage_error(e.what());
        }
    }

    auto plugins = make_plugin_catalog(cl.all("--plugin-path"));
    convert::check_variant_request(plugins, request);
    auto store = open_store(cl, plugins);
    descriptor original{"", find_stored(*store, source), 0, {}, std::nullopt, {}};
    interrupt_signals interrupts;
    auto variant = convert::make_variant(*store, plugins, original, request, interrupts.token());

    std::vector<plugin::stored_name> bindings;
    for (const auto& n : names) bindings.push_back({n, normalized_name(n), variant});
    if (!bindings.empty()) store->set_names(bindings);
    std::cout << variant.digest.str() << '\n';
    return 0;
}

}  // namespace lading::cli
