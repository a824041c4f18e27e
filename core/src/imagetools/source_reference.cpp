#include "imagetools/source_reference.hpp"

#include <lading/error.hpp>
#include <lading/oci/digest.hpp>

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

namespace lading::imagetools {

namespace {

constexpr std::string_view layout_scheme = "oci-layout://";

source_reference parse_layout(const std::string& text)
{
    source_reference s;
    s.kind = source_kind::layout;
    s.text = text;
    auto rest = text.substr(layout_scheme.size());
    auto at = rest.rfind('@');
    auto slash = rest.rfind('/');
    auto colon = rest.find(':', slash == std::string::npos ? 0 : slash);
    auto split = at != std::string::npos ? at : colon;
    if (split == std::string::npos || split == 0 || split + 1 == rest.size())
        throw usage_error("source " + text + ": expected oci-layout://DIR:TAG or oci-layout://DIR@sha256:...");
    s.layout_dir = rest.substr(0, split);
    s.reference = rest.substr(split + 1);
    if (at != std::string::npos) digest::parse_or_throw(s.reference, "source " + text);
    return s;
}

std::string string_key(const boost::json::object& entry, const char* key, const std::string& where)
{
    auto* v = entry.if_contains(key);
    if (!v || !v->is_string()) throw error(where + " has no \"" + key + "\"");
    return std::string(v->get_string());
}

source_reference source_of_entry(const boost::json::object& entry, const std::string& where)
{
    if (auto* failed = entry.if_contains("lading.error"))
        throw error(where + " failed: " + (failed->is_string() ? std::string(failed->get_string()) : "(no message)"));
    auto dgst = digest::parse_or_throw(string_key(entry, "containerimage.digest", where), where + " containerimage.digest");
    auto names = string_key(entry, "image.name", where);
    auto first = names.substr(0, names.find(','));
    if (first.empty()) throw error(where + " has an empty \"image.name\"");
    source_reference s;
    s.kind = source_kind::registry;
    try {
        s.image = parse_reference(first);
    } catch (const std::exception& e) {
        throw error(where + ": image.name: " + e.what());
    }
    s.image.tag.clear();
    s.image.digest = dgst.str();
    s.text = s.image.name() + "@" + s.image.digest;
    if (auto* pushed = entry.if_contains("lading.pushed"); pushed && pushed->is_bool() && !pushed->get_bool()) {
        // Its export pushed it nowhere: the store is where to look first (it may have been
        // pushed since, so the registry still comes after).
        s.kind = source_kind::store;
        s.reference = dgst.str();
        s.text = first + "@" + s.reference + " (" + where + ", not pushed)";
    }
    return s;
}

// The entry to take the image from: `entry` itself, or when its output was not pushed, another
// output of the same export (lading.outputs) that pushed the same image.
const boost::json::object& pushed_output_of(const boost::json::object& entry)
{
    auto* pushed = entry.if_contains("lading.pushed");
    auto* outputs = entry.if_contains("lading.outputs");
    auto* digest = entry.if_contains("containerimage.digest");
    if (!pushed || !pushed->is_bool() || pushed->get_bool() || !outputs || !outputs->is_array() || !digest) return entry;
    for (const auto& o : outputs->get_array()) {
        if (!o.is_object()) continue;
        const auto& out = o.get_object();
        auto* p = out.if_contains("lading.pushed");
        auto* d = out.if_contains("containerimage.digest");
        if (p && p->is_bool() && p->get_bool() && d && *d == *digest && out.contains("image.name")) return out;
    }
    return entry;
}

}  // namespace

source_reference parse_source(const std::string& text)
{
    if (text.starts_with(layout_scheme)) return parse_layout(text);
    source_reference s;
    s.kind = source_kind::registry;
    s.text = text;
    try {
        s.image = parse_reference(text);
    } catch (const std::exception& e) {
        throw usage_error("source \"" + text + "\": " + e.what());
    }
    return s;
}

std::vector<source_reference> sources_from_metadata_text(const std::string& text, const std::string& file)
{
    boost::system::error_code ec;
    auto doc = boost::json::parse(text, ec);
    if (ec || !doc.is_object()) throw error("metadata file " + file + " is not a JSON object");
    const auto& top = doc.as_object();
    if (top.contains("containerimage.digest") || top.contains("lading.error"))
        return {source_of_entry(pushed_output_of(top), "metadata file " + file)};
    // lading bake: one entry per target.
    std::vector<source_reference> sources;
    for (const auto& [target, entry] : top) {
        if (!entry.is_object()) continue;
        sources.push_back(source_of_entry(pushed_output_of(entry.as_object()),
                                          "metadata file " + file + ": target " + std::string(target)));
    }
    if (sources.empty()) throw error("metadata file " + file + " names no image (no containerimage.digest)");
    return sources;
}

std::vector<source_reference> sources_from_metadata_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw error("cannot read metadata file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return sources_from_metadata_text(text.str(), path);
}

}  // namespace lading::imagetools
