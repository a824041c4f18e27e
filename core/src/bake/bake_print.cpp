#include "bake/bake_print.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace lading::bake {

namespace {

namespace json = boost::json;

json::array array_of(const std::vector<std::string>& items)
{
    json::array a;
    for (const auto& i : items) a.emplace_back(i);
    return a;
}

json::object object_of(const std::map<std::string, std::string>& entries)
{
    json::object o;
    for (const auto& [k, v] : entries) o[k] = v;
    return o;
}

json::object target_json(const target& t)
{
    json::object o;
    auto put_list = [&](const char* key, const std::vector<std::string>& v) {
        if (!v.empty()) o[key] = array_of(v);
    };
    auto put_text = [&](const char* key, const std::optional<std::string>& v) {
        if (v) o[key] = *v;
    };
    put_text("description", t.description);
    if (t.context) o["context"] = t.context->string();
    put_list("layers", t.layers);
    put_text("from", t.from);
    put_list("platforms", t.platforms);
    put_list("tags", t.tags);
    put_list("output", t.outputs);
    put_list("annotations", t.annotations);
    put_list("attest", t.attest);
    if (!t.labels.empty()) o["labels"] = object_of(t.labels);
    if (t.entrypoint) o["entrypoint"] = array_of(*t.entrypoint);
    if (t.cmd) o["cmd"] = array_of(*t.cmd);
    if (!t.env.empty()) o["env"] = object_of(t.env);
    put_text("workdir", t.workdir);
    put_text("user", t.user);
    put_text("source-date-epoch", t.source_date_epoch);
    return o;
}

void pretty(std::string& out, const json::value& v, int indent)
{
    auto pad = [&](int n) { out += std::string(static_cast<std::size_t>(n) * 2, ' '); };
    if (v.is_object() && !v.get_object().empty()) {
        out += "{\n";
        bool first = true;
        for (const auto& [k, member] : v.get_object()) {
            if (!first) out += ",\n";
            first = false;
            pad(indent + 1);
            out += json::serialize(json::string(k)) + ": ";
            pretty(out, member, indent + 1);
        }
        out += "\n";
        pad(indent);
        out += "}";
    } else if (v.is_array() && !v.get_array().empty()) {
        out += "[\n";
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first) out += ",\n";
            first = false;
            pad(indent + 1);
            pretty(out, item, indent + 1);
        }
        out += "\n";
        pad(indent);
        out += "]";
    } else {
        out += json::serialize(v);
    }
}

std::string table(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<std::size_t> widths;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], r[i].size());
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i)
            line += i + 1 < r.size() ? r[i] + std::string(widths[i] - r[i].size() + 2, ' ') : r[i];
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace

std::string print_resolved(const resolved_bake& bake)
{
    json::object groups;
    for (const auto& [name, targets] : bake.groups) groups[name] = json::object{{"targets", array_of(targets)}};
    json::object targets;
    for (const auto& t : bake.targets) targets[t.name] = target_json(t);
    std::string out;
    pretty(out, json::object{{"group", groups}, {"target", targets}}, 0);
    return out + "\n";
}

std::string list_targets(const std::vector<target_listing>& targets)
{
    std::vector<std::vector<std::string>> rows{{"NAME", "TYPE", "DESCRIPTION"}};
    for (const auto& t : targets) rows.push_back({t.name, t.group ? "group" : "target", t.description});
    return table(rows);
}

std::string list_variables(const std::vector<variable_listing>& variables)
{
    std::vector<std::vector<std::string>> rows{{"VARIABLE", "TYPE", "VALUE", "DESCRIPTION"}};
    for (const auto& v : variables) rows.push_back({v.name, v.type, v.value, v.description});
    return table(rows);
}

}  // namespace lading::bake
