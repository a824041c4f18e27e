#include "export/annotations.hpp"
#include <lading/error.hpp>

#include <algorithm>

namespace lading {

annotation_key parse_annotation_key(const std::string& full)
{
    std::string_view rest = std::string_view(full).substr(std::string_view("annotation").size());
    annotation_key k;
    if (rest.starts_with("-")) {
        auto end = rest.find_first_of("[.");
        k.type = std::string(rest.substr(1, end == std::string_view::npos ? end : end - 1));
        rest = rest.substr(end == std::string_view::npos ? rest.size() : end);
    }
    if (rest.starts_with("[")) {
        auto close = rest.find(']');
        if (close == std::string_view::npos) throw error("annotation key \"" + full + "\" has an unclosed '['");
        k.platform = std::string(rest.substr(1, close - 1));
        rest = rest.substr(close + 1);
    }
    if (!rest.starts_with(".") || rest.size() < 2)
        throw error("annotation key \"" + full + "\" must look like annotation[-TYPE][[os/arch]].KEY");
    k.key = std::string(rest.substr(1));
    if (k.type.empty()) k.type = "manifest";
    if (k.type != "manifest" && k.type != "manifest-descriptor" && k.type != "index" && k.type != "index-descriptor")
        throw error("unrecognized annotation type \"" + k.type +
                    "\" (use manifest, manifest-descriptor, index or index-descriptor)");
    return k;
}

namespace {

// Calls f(key, value) for the keys without a platform, then for those with one, so that a
// platform's own value wins over a plain one as in BuildKit, however the keys sort
// ("annotation-manifest[linux/amd64].k" sorts before "annotation.k").
template <class F>
void for_each_annotation(const output_spec& spec, F f)
{
    for (bool qualified : {false, true})
        for (const auto& [full, value] : spec.annotations) {
            auto k = parse_annotation_key(full);
            if (k.platform.empty() != qualified) f(k, value);
        }
}

}  // namespace

manifest_annotations annotations_for_manifest(const output_spec& spec, const platform& p, bool in_index)
{
    manifest_annotations out;
    for_each_annotation(spec, [&](const annotation_key& k, const std::string& value) {
        if (!k.platform.empty() && (!in_index || !platform::parse(k.platform).matches(p))) return;
        if (k.type == "manifest") out.manifest[k.key] = value;
        else if (k.type == "manifest-descriptor") out.descriptor[k.key] = value;
    });
    return out;
}

index_annotations annotations_for_index(const output_spec& spec)
{
    index_annotations out;
    for_each_annotation(spec, [&](const annotation_key& k, const std::string& value) {
        if (k.type == "index") out.index[k.key] = value;
        else if (k.type == "index-descriptor") out.descriptor[k.key] = value;
    });
    return out;
}

void check_annotation_platforms(const output_spec& spec, const std::vector<platform>& built)
{
    for (const auto& [full, value] : spec.annotations) {
        auto k = parse_annotation_key(full);
        if (k.platform.empty() || k.type == "index" || k.type == "index-descriptor") continue;
        auto p = platform::parse(k.platform);
        if (std::none_of(built.begin(), built.end(), [&](const platform& b) { return p.matches(b); }))
            throw usage_error("invalid --output: invalid annotation: no platform " + k.platform + " found in source (" +
                              full + ")");
    }
}

}  // namespace lading
