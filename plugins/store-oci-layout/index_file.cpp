#include "index_file.hpp"
#include "layout_directory.hpp"

#include <boost/json/serialize.hpp>

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace oci_layout {

namespace {

boost::json::object read_index(const fs::path& root)
{
    auto path = root / "index.json";
    auto text = read_layout_file(root, "index.json");
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) throw std::runtime_error(path.string() + " is not valid JSON: " + ec.message());
    auto& index = v.as_object();
    if (!index.contains("manifests") || !index["manifests"].is_array())
        throw std::runtime_error(path.string() + " has no \"manifests\" array");
    return std::move(index);
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

}  // namespace

void check_index(const fs::path& root) { read_index(root); }

void bind_names(const fs::path& root, const std::vector<name_binding>& bindings)
{
    index_lock lock(root);
    auto index = read_index(root);
    auto& manifests = index["manifests"].as_array();

    boost::json::array kept;
    for (auto& entry : manifests) {
        auto* name = ref_name_of(entry);
        bool replaced = false;
        for (const auto& b : bindings)
            if (name && *name == b.name) replaced = true;
        if (!replaced) kept.push_back(std::move(entry));
    }
    for (const auto& b : bindings) {
        auto entry = b.descriptor;
        boost::json::object annotations;
        if (auto* a = entry.if_contains("annotations"); a && a->is_object()) annotations = a->get_object();
        annotations[ref_name_annotation] = b.name;
        annotations[containerd_name_annotation] = b.normalized;
        entry["annotations"] = std::move(annotations);
        kept.push_back(std::move(entry));
    }
    manifests = std::move(kept);
    replace_file_atomically(root, root / "index.json", boost::json::serialize(index));
}

std::vector<std::pair<std::string, boost::json::object>> read_names(const fs::path& root)
{
    std::vector<std::pair<std::string, boost::json::object>> out;
    auto index = read_index(root);
    for (const auto& entry : index["manifests"].as_array()) {
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

}  // namespace oci_layout
