#include "base/base_image.hpp"
#include <lading/error.hpp>

#include <algorithm>
#include <string>
#include <type_traits>

namespace lading {

namespace {
boost::json::array strings(const std::vector<std::string>& v)
{
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

void merge_env(boost::json::object& runtime, const std::vector<std::string>& env)
{
    boost::json::array merged;
    if (auto* e = runtime.if_contains("Env"); e && e->is_array()) merged = e->as_array();
    for (const auto& kv : env) {
        auto key = kv.substr(0, kv.find('='));
        bool replaced = false;
        for (auto& existing : merged) {
            if (!existing.is_string()) continue;
            std::string s(existing.get_string());
            if (s.substr(0, s.find('=')) == key) {
                existing = kv;
                replaced = true;
            }
        }
        if (!replaced) merged.emplace_back(kv);
    }
    runtime["Env"] = std::move(merged);
}
bool is_empty_layer(const boost::json::value& entry)
{
    const auto* e = entry.is_object() ? entry.get_object().if_contains("empty_layer") : nullptr;
    return e && e->is_bool() && e->get_bool();
}

// Makes the base's history describe exactly its `layers` layers, so that the entries added
// for the new layers line up with them (image tools pair the n-th non-empty entry with the
// n-th layer): entries past the last layer become empty ones, and layers without an entry
// get one, after the base's own.
void align_history(boost::json::array& history, std::size_t layers)
{
    std::size_t described = 0;
    for (auto& entry : history) {
        if (is_empty_layer(entry)) continue;
        if (described < layers) ++described;
        else if (entry.is_object()) entry.get_object()["empty_layer"] = true;
    }
    for (; described < layers; ++described)
        history.push_back(boost::json::object{{"comment", "a layer of the base image, which has no history for it"}});
}

// An empty value clears what the base had: the key is left out, as image tools write it.
template <class Value>
void set_or_clear(boost::json::object& runtime, const char* key, const Value& value)
{
    if (value.empty())
        runtime.erase(key);
    else if constexpr (std::is_same_v<Value, std::string>)
        runtime[key] = value;
    else
        runtime[key] = strings(value);
}
}  // namespace

boost::json::object derive_image_config(const base_image& base, const image_settings& settings,
                                        const std::vector<digest>& diff_ids,
                                        const std::vector<layer_history>& new_history, std::int64_t created)
{
    boost::json::object config = base.config;
    // The config states the platform the index entry does, normalised, as BuildKit writes it:
    // an arm64 base whose config says variant v8 becomes plain arm64 in both.
    for (const char* key : {"os", "architecture", "variant", "os.version", "os.features"}) config.erase(key);
    for (const auto& field : base.platform.normalized().to_json()) config[field.key()] = field.value();
    boost::json::object runtime;
    if (auto* c = config.if_contains("config"); c && c->is_object()) runtime = c->as_object();
    merge_env(runtime, settings.env);
    if (settings.entrypoint) {
        set_or_clear(runtime, "Entrypoint", *settings.entrypoint);
        // As in a Dockerfile, a new entrypoint drops the inherited command.
        if (!settings.cmd) runtime.erase("Cmd");
    }
    if (settings.cmd) set_or_clear(runtime, "Cmd", *settings.cmd);
    if (settings.workdir) set_or_clear(runtime, "WorkingDir", *settings.workdir);
    if (settings.user) set_or_clear(runtime, "User", *settings.user);
    if (!settings.labels.empty()) {
        boost::json::object labels;
        if (auto* l = runtime.if_contains("Labels"); l && l->is_object()) labels = l->as_object();
        for (const auto& [k, v] : settings.labels) labels[k] = v;
        runtime["Labels"] = std::move(labels);
    }
    config["config"] = std::move(runtime);

    boost::json::array ids;
    for (const auto& d : diff_ids) ids.emplace_back(d.str());
    config["rootfs"] = boost::json::object{{"type", "layers"}, {"diff_ids", std::move(ids)}};

    boost::json::array history;
    if (auto* h = config.if_contains("history"); h && h->is_array()) history = h->as_array();
    // The layers below the new ones are the base's (none when the caller gave fewer diffIDs).
    align_history(history, diff_ids.size() - std::min(diff_ids.size(), new_history.size()));
    const auto when = rfc3339_utc(created);
    for (const auto& h : new_history) {
        boost::json::object entry{{"created", when}, {"created_by", h.created_by}};
        if (!h.comment.empty()) entry["comment"] = h.comment;
        history.emplace_back(std::move(entry));
    }
    config["history"] = std::move(history);
    config["created"] = when;
    return config;
}

}  // namespace lading
