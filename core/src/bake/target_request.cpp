#include "bake/target_request.hpp"

#include <lading/attestation/attest_option.hpp>
#include <lading/error.hpp>

#include <algorithm>
#include <charconv>
#include <regex>

namespace lading::bake {

namespace {

// "PATH" for every platform, or "OS/ARCH[/VARIANT]=PATH" for one; PATH is absolute here.
layer_input parse_layer(const std::string& text)
{
    if (text.starts_with("/")) return {text, std::nullopt};
    auto eq = text.find('=');
    if (eq == std::string::npos) throw usage_error("layer \"" + text + "\" is not an absolute path");
    return {text.substr(eq + 1), platform::parse(text.substr(0, eq))};
}

// buildx's --annotation syntax to the output keys BuildKit's exporters read:
// "index,manifest[linux/amd64]:k=v" gives annotation-index[linux/amd64].k and
// annotation-manifest[linux/amd64].k.
void add_annotation(const std::string& text, std::map<std::string, std::string>& to)
{
    static const std::regex form(R"(^(?:([a-z-]+(?:,[a-z-]+)*)(?:\[([A-Za-z0-9_/-]+)\])?:)?(\S+)$)");
    auto eq = text.find('=');
    if (eq == std::string::npos) throw usage_error("invalid annotation \"" + text + "\", expected key=value");
    std::smatch m;
    const std::string key = text.substr(0, eq);
    if (!std::regex_match(key, m, form))
        throw usage_error("invalid annotation \"" + text + "\", expected [TYPE[PLATFORM]:]KEY=VALUE");
    std::string where = m[2].matched ? "[" + platform::parse(m[2].str()).str() + "]" : "";
    std::vector<std::string> types;
    for (std::size_t start = 0, comma = 0; m[1].matched && comma != std::string::npos; start = comma + 1) {
        comma = m[1].str().find(',', start);
        types.push_back(m[1].str().substr(start, comma == std::string::npos ? comma : comma - start));
    }
    if (types.empty()) types.emplace_back();
    for (const auto& type : types) {
        static const std::vector<std::string> known = {"manifest", "manifest-descriptor", "index", "index-descriptor"};
        if (!type.empty() && std::find(known.begin(), known.end(), type) == known.end())
            throw usage_error("unknown annotation type \"" + type + "\" in \"" + text +
                              "\" (manifest, manifest-descriptor, index or index-descriptor)");
        to[(type.empty() ? "annotation" : "annotation-" + type) + where + "." + m[3].str()] = text.substr(eq + 1);
    }
}



export_request build_request(const target& t, const request_defaults& defaults)
{
    export_request request;
    request.settings.platform = platform::host();
    for (const auto& text : t.platforms) {
        auto p = platform::parse(text);
        if (std::find(request.platforms.begin(), request.platforms.end(), p) != request.platforms.end())
            throw usage_error("platforms lists " + p.str() + " twice");
        request.platforms.push_back(p);
    }
    auto listed = [](const std::vector<platform>& platforms, const platform& p) {
        return std::find(platforms.begin(), platforms.end(), p) != platforms.end();
    };
    std::vector<platform> in_file;
    for (const auto& text : t.file_platforms) in_file.push_back(platform::parse(text));
    if (t.context) request.layers.push_back({*t.context, std::nullopt});
    // A file describes every platform; a shard narrowed with --set '*.platforms=...' leaves the
    // file's other platforms' layers out, which need not even exist on that runner. A layer for
    // a platform the file does not build is refused, as `lading export` refuses it.
    for (const auto& l : t.layers) {
        auto layer = parse_layer(l);
        if (layer.only && !request.platforms.empty() && !listed(request.platforms, *layer.only)) {
            if (listed(in_file, *layer.only)) continue;
            throw usage_error("--layer " + layer.only->str() + "=" + layer.path.string() +
                              " names a platform that is not built");
        }
        request.layers.push_back(std::move(layer));
    }
    request.from = t.from.value_or("scratch");
    if (request.layers.empty() && request.from == "scratch")
        throw usage_error("nothing to export: give it a context, layers or from");
    request.settings.entrypoint = t.entrypoint;
    request.settings.cmd = t.cmd;
    for (const auto& [k, v] : t.env) request.settings.env.push_back(k + "=" + v);
    // As docker's: an empty workdir or user keeps the base's value.
    if (t.workdir && !t.workdir->empty()) request.settings.workdir = t.workdir;
    if (t.user && !t.user->empty()) request.settings.user = t.user;
    request.settings.labels = t.labels;
    for (const auto& a : t.attest) request.attestations.push_back(attestation::parse_attest_option(a));
    request.source_date_epoch = t.source_date_epoch ? parse_source_date_epoch(*t.source_date_epoch, "source-date-epoch") : defaults.source_date_epoch;

    std::map<std::string, std::string> annotations;
    for (const auto& a : t.annotations) add_annotation(a, annotations);
    for (const auto& o : t.outputs.empty() ? std::vector<std::string>{"type=image"} : t.outputs) {
        auto spec = parse_output_spec(o);
        if (spec.names.empty()) spec.names = t.tags;
        for (const auto& [k, v] : annotations) spec.annotations[k] = v;
        request.outputs.push_back(std::move(spec));
    }

    request.store_location = defaults.store_location;
    request.threads = defaults.threads;
    request.hosts = defaults.hosts;
    return request;
}

}  // namespace

export_request export_request_for(const target& t, const request_defaults& defaults)
{
    try {
        return build_request(t, defaults);
    } catch (const usage_error& e) {
        throw usage_error("target \"" + t.name + "\": " + e.what());
    } catch (const error& e) {
        throw usage_error("target \"" + t.name + "\": " + e.what());
    }
}

}  // namespace lading::bake
