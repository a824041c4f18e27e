#include "command_line.hpp"
#include "commands.hpp"
#include "host_environment.hpp"
#include "interrupt_signals.hpp"
#include "one_line.hpp"
#include "progress_printer.hpp"

#include "imagetools/create_index.hpp"
#include "posix/atomic_file.hpp"
#include "registry/reader.hpp"

#include <lading/error.hpp>
#include <lading/oci/canonical_json.hpp>
#include <lading/oci/reference.hpp>

#include <boost/json/parse.hpp>

#include <iostream>

namespace lading::cli {

namespace {

void write_index_metadata(const std::string& path, const imagetools::composed_index& index,
                          const std::vector<std::string>& targets)
{
    boost::json::object m;
    m["containerimage.digest"] = index.blob.descriptor.digest.str();
    m["containerimage.descriptor"] = index.blob.descriptor.to_json();
    std::string names;
    for (const auto& t : targets) names += (names.empty() ? "" : ",") + t;
    if (!names.empty()) m["image.name"] = names;
    replace_file_atomically(path, canonical_json(m) + "\n", 0644);
}

int create_command(const std::vector<std::string>& args)
{
    command_line cl(args, imagetools_create_spec());
    if (cl.help_requested()) return print_help(imagetools_create_spec());
    imagetools::create_request request;
    request.sources = cl.positionals();
    request.metadata_files = cl.all("--from-metadata");
    request.targets = cl.all("--tag");
    request.append = cl.has("--append");
    request.annotations = cl.all("--annotation");
    request.dry_run = cl.has("--dry-run");
    request.store_location = store_location(cl.last("--store"));
    auto config_flag = cl.last("--config");
    request.hosts = load_host_config(config_flag ? std::optional<std::filesystem::path>(*config_flag) : std::nullopt);
    auto mode = parse_progress_mode(cl.last("--progress").value_or("auto"));
    auto plugins = make_plugin_catalog(cl.all("--plugin-path"), request.hosts.plugin_path);

    progress_printer progress(mode);
    interrupt_signals interrupts;
    request.stop = interrupts.token();
    auto index = imagetools::create_index(request, plugins, progress);
    for (const auto& w : index.warnings) std::cerr << "lading: " << one_line(w) << '\n';
    if (request.dry_run) {
        std::cout << index.blob.bytes << '\n';
        return 0;
    }
    if (auto path = cl.last("--metadata-file")) write_index_metadata(*path, index, request.targets);
    std::cout << index.blob.descriptor.digest.str() << '\n';
    return 0;
}

std::string platform_text(const boost::json::value& descriptor)
{
    const auto* p = descriptor.as_object().if_contains("platform");
    if (!p || !p->is_object()) return "";
    std::string text;
    for (const char* key : {"os", "architecture", "variant"})
        if (auto* v = p->as_object().if_contains(key); v && v->is_string() && !v->get_string().empty())
            text += (text.empty() ? "" : "/") + std::string(v->get_string());
    return text;
}

int remote_inspect_command(const std::vector<std::string>& args)
{
    command_line cl(args, imagetools_inspect_spec());
    if (cl.help_requested()) return print_help(imagetools_inspect_spec());
    if (cl.positionals().size() != 1) throw usage_error("usage: lading imagetools inspect NAME [--raw]");
    const auto& name = cl.positionals().front();
    image_reference ref;
    try {
        ref = parse_reference(name);
    } catch (const std::exception& e) {
        throw usage_error(name + ": " + e.what());
    }
    auto config_flag = cl.last("--config");
    auto hosts = load_host_config(config_flag ? std::optional<std::filesystem::path>(*config_flag) : std::nullopt);
    interrupt_signals interrupts;
    registry::reader reader(ref.domain, ref.repository, registry::options_for(ref.domain, &hosts, false),
                            interrupts.token());
    auto m = reader.manifest(!ref.digest.empty() ? ref.digest : (ref.tag.empty() ? "latest" : ref.tag));
    if (cl.has("--raw")) {
        std::cout << m.bytes;
        return 0;
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(m.bytes, ec);
    if (ec || !doc.is_object()) throw error(name + " is not a JSON manifest");
    const auto* type = doc.as_object().if_contains("mediaType");
    std::cout << "Name:      " << ref.normalized() << '\n'
              << "MediaType: " << one_line(type && type->is_string() ? std::string(type->get_string()) : m.media_type) << '\n'
              << "Digest:    " << m.digest.str() << '\n';
    if (const auto* list = doc.as_object().if_contains("manifests"); list && list->is_array()) {
        std::cout << "\nManifests:\n";
        for (const auto& d : list->as_array()) {
            if (!d.is_object()) continue;
            const auto* digest = d.as_object().if_contains("digest");
            std::cout << "  " << one_line(digest && digest->is_string() ? std::string(digest->get_string()) : "?");
            auto p = one_line(platform_text(d));
            if (!p.empty()) std::cout << "  " << p;
            if (const auto* a = d.as_object().if_contains("annotations"); a && a->is_object())
                if (const auto* t = a->as_object().if_contains("vnd.docker.reference.type"); t && t->is_string())
                    std::cout << "  (" << one_line(std::string(t->get_string())) << ")";
            std::cout << '\n';
        }
    }
    return 0;
}

std::vector<flag_spec> registry_flags()
{
    return {
        {{"--config"}, "FILE", "host configuration file (registries, plugins)"},
    };
}

}  // namespace

const command_spec& imagetools_create_spec()
{
    static const command_spec spec{
        .name = "imagetools create",
        .usage = "lading imagetools create [-t NAME]... [SOURCE]... [--from-metadata FILE]... [flags]",
        .summary = "Merges images and indexes into one index in registries or the local store (CI shards).",
        .flags =
            [] {
                std::vector<flag_spec> f{
                    {{"-t", "--tag"}, "NAME", "where the index goes: REG/REPO:TAG (docker.io when no registry), or store://NAME; repeatable"},
                    {{"--from-metadata"}, "FILE", "take the image a lading export/bake --metadata-file names; repeatable"},
                    {{"--append"}, "", "keep the images of the index already at the first -t"},
                    {{"--annotation"}, "A", "index:K=V, manifest-descriptor[os/arch]:K=V or K=V (index); repeatable"},
                    {{"--dry-run"}, "", "print the index JSON and write nothing"},
                    {{"--metadata-file"}, "FILE", "write containerimage.digest, descriptor and image.name as JSON"},
                    {{"--store"}, "DIR", "local store: SOURCE names are looked up there first, -t store://NAME written there"},
                    {{"--progress"}, "MODE", "auto, plain, tty, rawjson or quiet, on stderr"},
                    {{"--plugin-path"}, "DIR", "another directory to load plugins from; repeatable"},
                };
                for (auto& r : registry_flags()) f.push_back(r);
                return f;
            }(),
        .examples =
            {
                "lading imagetools create -t reg.example/app:1 --from-metadata amd64.json --from-metadata arm64.json",
                "lading imagetools create -t reg.example/app:1 reg.example/app@sha256:<amd64> reg.example/app@sha256:<arm64>",
                "lading imagetools create -t reg.example/app:1 --append other.example/app:1-riscv64",
                "lading imagetools create --dry-run --annotation index:org.opencontainers.image.version=1 app:amd64 app:arm64",
                "lading imagetools create -t store://app:multi app:amd64 app:arm64   # into the local store",
            },
        .details =
            "SOURCE is REG/REPO@sha256:..., REG/REPO:TAG, oci-layout://DIR:TAG, oci-layout://DIR@sha256:...\n"
            "or a name in the local store. An index contributes its images, attestation manifests included.\n"
            "Images in other repositories are mounted (same registry) or copied into each target repository;\n"
            "every image is checked to be there before the index is written by digest, then tagged last.\n"
            "The result is a Docker manifest list when every image is Docker-typed, else an OCI index;\n"
            "an annotation a Docker list cannot carry is an error. The same digest is kept once; two images\n"
            "of one platform are both kept, with a warning. A -t is completed as docker does (team/app:1 is\n"
            "docker.io/team/app:1); -t store://NAME names the index in the local store instead.\n"
            "Prints the index digest on stdout.\n",
    };
    return spec;
}

const command_spec& imagetools_inspect_spec()
{
    static const command_spec spec{
        .name = "imagetools inspect",
        .usage = "lading imagetools inspect NAME [--raw]",
        .summary = "Shows the manifest or index a registry serves for NAME.",
        .flags =
            [] {
                std::vector<flag_spec> f{{{"--raw"}, "", "print the manifest bytes as the registry sends them"}};
                for (auto& r : registry_flags()) f.push_back(r);
                return f;
            }(),
        .examples = {"lading imagetools inspect reg.example/app:1", "lading imagetools inspect --raw reg.example/app:1 | jq ."},
        .details = {},
    };
    return spec;
}

const command_spec& imagetools_spec()
{
    static const command_spec spec{
        .name = "imagetools",
        .usage = "lading imagetools create|inspect ...",
        .summary = "Merges images into a multi-platform index in a registry (create), or shows one (inspect).",
        .flags = {},
        .examples = {"lading imagetools create --help", "lading imagetools inspect reg.example/app:1"},
        .details = {},
    };
    return spec;
}

int imagetools_command(const std::vector<std::string>& args)
{
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        if (args.empty()) throw usage_error("usage: lading imagetools create|inspect ...; see lading imagetools --help");
        return print_help(imagetools_spec());
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "create") return create_command(rest);
    if (args[0] == "inspect") return remote_inspect_command(rest);
    throw usage_error("unknown imagetools command \"" + args[0] + "\"; use create or inspect");
}

}  // namespace lading::cli
