#include "index_file.hpp"
#include "json_spans.hpp"
#include "layout_directory.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace oci_layout {

namespace {

// index.json as read: its bytes, and what they parse to.
struct index_document {
    std::string text;
    boost::json::object parsed;

    const boost::json::array& manifests() const { return parsed.at("manifests").as_array(); }
};

index_document read_index(const fs::path& root)
{
    auto path = root / "index.json";
    auto text = read_layout_file(root, "index.json");
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) throw std::runtime_error(path.string() + " is not valid JSON: " + ec.message());
    auto& index = v.as_object();
    if (!index.contains("manifests") || !index["manifests"].is_array())
        throw std::runtime_error(path.string() + " has no \"manifests\" array");
    return {std::move(text), std::move(index)};
}

const boost::json::string* ref_name_of(const boost::json::value& entry)
{
    auto* o = entry.if_object();
    if (!o) return nullptr;
    auto* a = o->if_contains("annotations");
    if (!a || !a->is_object()) return nullptr;
    auto* n = a->get_object().if_contains(ref_name_annotation);
    return n && n->is_string() ? &n->get_string() : nullptr;
}

// Why an entry cannot be read as a name or as nameless, or nothing when it can.
std::optional<std::string> unreadable_because(const boost::json::value& entry)
{
    auto* o = entry.if_object();
    if (!o) return "is not a JSON object";
    auto* a = o->if_contains("annotations");
    if (!a) return std::nullopt;
    if (!a->is_object()) return "has annotations that are not an object";
    auto* n = a->get_object().if_contains(ref_name_annotation);
    if (n && !n->is_string()) return std::string("has an ") + ref_name_annotation + " that is not a string";
    return std::nullopt;
}

// The index's text with its manifests array made of `entries` (JSON texts, in order);
// every other byte stays as it was.
std::string with_manifests(const index_document& index, const std::vector<std::string_view>& entries)
{
    const auto array = top_level_member(index.text, "manifests");
    if (!array) throw std::runtime_error("index.json: its \"manifests\" array was not found");
    std::string out(index.text.substr(0, array->begin));
    out += '[';
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i) out += ',';
        out += entries[i];
    }
    out += ']';
    out += index.text.substr(array->end);
    return out;
}

}  // namespace

void check_index(const fs::path& root) { read_index(root); }

void bind_names(const fs::path& root, const std::vector<name_binding>& bindings)
{
    index_lock lock(root);
    const auto index = read_index(root);
    const auto& manifests = index.manifests();
    const auto spans = array_elements(index.text, *top_level_member(index.text, "manifests"));
    if (spans.size() != manifests.size())
        throw std::runtime_error("index.json: its entries could not be told apart; it is left as it is");

    // Entries of other names, and those lading cannot read, keep their bytes.
    std::vector<std::string_view> entries;
    for (std::size_t i = 0; i < manifests.size(); ++i) {
        auto* name = ref_name_of(manifests[i]);
        bool replaced = false;
        for (const auto& b : bindings)
            if (name && *name == b.name) replaced = true;
        if (!replaced) entries.push_back(std::string_view(index.text).substr(spans[i].begin, spans[i].end - spans[i].begin));
    }
    // One entry per name, whatever the bindings repeat: a layout with two entries of a name is
    // ambiguous to its readers (umoci refuses it). The last binding of a name wins.
    std::vector<std::pair<std::string_view, std::string>> added;
    for (const auto& b : bindings) {
        auto entry = b.descriptor;
        boost::json::object annotations;
        if (auto* a = entry.if_contains("annotations"); a && a->is_object()) annotations = a->get_object();
        annotations[ref_name_annotation] = b.name;
        annotations[containerd_name_annotation] = b.normalized;
        entry["annotations"] = std::move(annotations);
        auto same = std::find_if(added.begin(), added.end(), [&](const auto& a) { return a.first == b.name; });
        if (same != added.end())
            same->second = boost::json::serialize(entry);
        else
            added.emplace_back(b.name, boost::json::serialize(entry));
    }
    for (const auto& [name, entry] : added) entries.push_back(entry);

    auto text = with_manifests(index, entries);
    boost::system::error_code ec;
    auto check = boost::json::parse(text, ec);
    if (ec || check.as_object().at("manifests").as_array().size() != entries.size())
        throw std::runtime_error("index.json: the updated index would not read back; it is left as it is");
    replace_file_atomically(root, root / "index.json", text);
}

std::vector<std::pair<std::string, boost::json::object>> read_names(const fs::path& root)
{
    std::vector<std::pair<std::string, boost::json::object>> out;
    const auto index = read_index(root);
    for (const auto& entry : index.manifests()) {
        auto* name = ref_name_of(entry);
        if (!name) continue;
        auto descriptor = entry.as_object();
        auto& annotations = descriptor["annotations"].as_object();
        annotations.erase(ref_name_annotation);
        annotations.erase(containerd_name_annotation);
        if (annotations.empty()) descriptor.erase("annotations");
        out.emplace_back(std::string(*name), std::move(descriptor));
    }
    return out;
}

std::vector<std::string> unreadable_entries(const fs::path& root)
{
    std::vector<std::string> out;
    const auto index = read_index(root);
    const auto& manifests = index.manifests();
    for (std::size_t i = 0; i < manifests.size(); ++i)
        if (auto why = unreadable_because(manifests[i]))
            out.push_back("index.json manifests[" + std::to_string(i) + "] " + *why);
    return out;
}

}  // namespace oci_layout
