#include "imagetools/index_composer.hpp"

#include "attestation/attestation_manifest.hpp"
#include "text/utf8.hpp"

#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>

#include <map>
#include <set>

namespace lading::imagetools {

namespace {

bool is_attestation(const descriptor& d)
{
    return d.annotations.contains(std::string(attestation::reference_type_annotation));
}

bool matches(const index_child& child, const std::optional<platform>& only)
{
    if (!only) return true;
    const auto& p = child.descriptor.platform;
    return p && only->matches(*p);
}

void set_descriptor_annotation(index_child& child, const std::string& key, const std::string& value)
{
    auto& a = child.json["annotations"];
    if (!a.is_object()) a = boost::json::object();
    a.as_object()[key] = value;
    child.descriptor.annotations[key] = value;
}

std::vector<std::string> duplicate_platform_warnings(const std::vector<index_child>& children)
{
    std::vector<std::string> warnings;
    std::map<std::string, std::string> first_of;
    for (const auto& c : children) {
        if (!c.descriptor.platform || is_attestation(c.descriptor)) continue;
        auto p = c.descriptor.platform->normalized().str();
        auto [it, fresh] = first_of.emplace(p, c.descriptor.digest.str());
        if (!fresh)
            warnings.push_back("warning: the index has two " + p + " images (" + it->second + " and " +
                               c.descriptor.digest.str() + "); clients pull the first");
    }
    return warnings;
}

}  // namespace

annotation_request parse_annotation_request(const std::string& text)
{
    annotation_request a;
    lading::text::require_utf8(text, "--annotation", "an index is JSON");
    a.text = text;
    auto eq = text.find('=');
    if (eq == std::string::npos) throw usage_error("--annotation \"" + text + "\" must be [TYPE:]KEY=VALUE");
    auto head = text.substr(0, eq);
    a.value = text.substr(eq + 1);
    // The type part ends at the first ':' outside a [platform] filter.
    std::size_t colon = std::string::npos, depth = 0;
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '[') ++depth;
        else if (head[i] == ']' && depth > 0) --depth;
        else if (head[i] == ':' && depth == 0) {
            colon = i;
            break;
        }
    }
    if (depth > 0) throw usage_error("--annotation \"" + text + "\" has an unclosed '['");
    std::string type = colon == std::string::npos ? "" : head.substr(0, colon);
    a.key = colon == std::string::npos ? head : head.substr(colon + 1);
    if (a.key.empty()) throw usage_error("--annotation \"" + text + "\" has an empty key");
    std::string filter;
    if (auto open = type.find('['); open != std::string::npos) {
        if (type.back() != ']') throw usage_error("--annotation \"" + text + "\" has an unclosed '['");
        filter = type.substr(open + 1, type.size() - open - 2);
        type = type.substr(0, open);
    }
    if (type.empty() || type == "index") {
        a.where = annotation_request::target::index;
        if (!filter.empty())
            throw usage_error("--annotation \"" + text + "\": an index annotation cannot name a platform");
    } else if (type == "manifest-descriptor") {
        a.where = annotation_request::target::manifest_descriptor;
        if (!filter.empty()) a.only = platform::parse(filter);
    } else {
        throw usage_error("--annotation \"" + text + "\": type \"" + type +
                          "\" cannot be set here (use index or manifest-descriptor)");
    }
    return a;
}

index_child child_from_json(const boost::json::object& json)
{
    return {json, descriptor::from_json(json)};
}

composed_index compose_index(const std::vector<index_child>& children, const annotation_map& carried,
                             const std::vector<annotation_request>& annotations)
{
    composed_index out;
    std::set<digest> seen;
    for (const auto& c : children)
        if (seen.insert(c.descriptor.digest).second) out.children.push_back(c);
    if (out.children.empty()) throw usage_error("no image to put in the index; give a SOURCE or --from-metadata FILE");

    out.docker_list = true;
    for (const auto& c : out.children) out.docker_list = out.docker_list && media_types::is_docker_document(c.descriptor.media_type);
    if (out.docker_list && !annotations.empty())
        throw usage_error("--annotation \"" + annotations.front().text +
                          "\" cannot be written: every image is Docker-typed, so the result is a Docker manifest "
                          "list, which has no annotations (export the images with oci-mediatypes=true)");
    if (out.docker_list && !carried.empty())
        throw usage_error("the index appended to has annotations, but every image is Docker-typed and a Docker "
                          "manifest list cannot carry them");

    annotation_map index_annotations = carried;
    for (const auto& a : annotations) {
        if (a.where == annotation_request::target::index) {
            index_annotations[a.key] = a.value;
            continue;
        }
        bool applied = false;
        for (auto& c : out.children)
            if (matches(c, a.only)) {
                set_descriptor_annotation(c, a.key, a.value);
                applied = true;
            }
        if (!applied)
            throw usage_error("--annotation \"" + a.text + "\": no image in the index is " + a.only->str());
    }

    boost::json::array manifests;
    for (const auto& c : out.children) manifests.emplace_back(c.json);
    const std::string media_type(out.docker_list ? media_types::docker_manifest_list : media_types::oci_index);
    boost::json::object index{{"schemaVersion", 2}, {"mediaType", media_type}, {"manifests", std::move(manifests)}};
    if (!index_annotations.empty()) {
        boost::json::object a;
        for (const auto& [k, v] : index_annotations) a[k] = v;
        index["annotations"] = std::move(a);
    }
    out.blob = make_json_blob(media_type, index);
    out.warnings = duplicate_platform_warnings(out.children);
    return out;
}

}  // namespace lading::imagetools
