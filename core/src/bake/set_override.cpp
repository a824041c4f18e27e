#include "bake/set_override.hpp"

#include "export/csv_record.hpp"
#include "text/closest_name.hpp"

#include <lading/error.hpp>

#include <fnmatch.h>

#include <algorithm>

#include <set>

namespace lading::bake {

namespace {

namespace fs = std::filesystem;

struct override_text {
    std::string pattern, key, sub_key, value;
    bool append = false;
};

std::vector<std::string> split_commas(const std::string& text)
{
    std::vector<std::string> out;
    for (std::size_t start = 0;;) {
        auto comma = text.find(',', start);
        out.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

bool is_list_key(const std::string& key)
{
    for (auto k : {"platforms", "tags", "output", "annotations", "attest", "layers", "entrypoint", "cmd"})
        if (key == k) return true;
    return false;
}

std::optional<override_text> parse_override(const std::string& text, diagnostics& problems)
{
    auto eq = text.find('=');
    if (eq == std::string::npos) {
        problems.add_command_line("--set \"" + text + "\" must be PATTERN.KEY=VALUE");
        return std::nullopt;
    }
    override_text o;
    auto left = text.substr(0, eq);
    o.value = text.substr(eq + 1);
    if (left.ends_with("+")) {
        o.append = true;
        left.pop_back();
    }
    auto dot = left.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == left.size()) {
        problems.add_command_line("invalid override key " + left + ", expected target.name");
        return std::nullopt;
    }
    o.pattern = left.substr(0, dot);
    o.key = left.substr(dot + 1);
    if (auto sub = o.key.find('.'); sub != std::string::npos) {
        o.sub_key = o.key.substr(sub + 1);
        o.key = o.key.substr(0, sub);
    }
    if (o.key == "platform") o.key = "platforms";
    return o;
}

bool check_key(const override_text& o, diagnostics& problems)
{
    auto where = "--set " + o.pattern + "." + o.key + ": ";
    if (o.key == "inherits" || o.key == "matrix" || o.key == "name") {
        problems.add_command_line(where + "\"" + o.key + "\" cannot be changed with --set");
        return false;
    }
    if (is_build_key(o.key)) {
        problems.add_command_line(where + build_key_message(o.key));
        return false;
    }
    std::vector<std::string_view> keys = target_keys();
    keys.push_back("push");
    keys.push_back("platform");
    if (o.key != "push" && std::find(keys.begin(), keys.end(), o.key) == keys.end()) {
        problems.add_command_line("unknown key: " + o.key + text::did_you_mean(o.key, keys));
        return false;
    }
    bool map_key = o.key == "labels" || o.key == "env";
    if (map_key && o.sub_key.empty()) {
        problems.add_command_line(where + "name the entry: " + o.pattern + "." + o.key + ".KEY=VALUE");
        return false;
    }
    if (!map_key && !o.sub_key.empty()) {
        problems.add_command_line("unknown key: " + o.key + "." + o.sub_key);
        return false;
    }
    if (o.append && !is_list_key(o.key)) {
        problems.add_command_line(where + "+= appends to lists and \"" + o.key + "\" is not one");
        return false;
    }
    return true;
}

// The override's value as the JSON a file would hold for the key.
std::optional<json_node> value_node(const override_text& o, diagnostics& problems)
{
    if (o.key == "platforms") return list_node(o.value.empty() ? std::vector<std::string>{} : split_commas(o.value));
    if ((o.key == "entrypoint" || o.key == "cmd") && o.value.starts_with("[")) {
        json_syntax_error error;
        auto parsed = parse_positioned_json(o.value, error);
        if (!parsed) {
            problems.add_command_line("--set " + o.pattern + "." + o.key + ": \"" + o.value +
                                      "\" is not a JSON array of strings: " + error.message);
            return std::nullopt;
        }
        return parsed;
    }
    if (is_list_key(o.key)) return list_node(o.value.empty() ? std::vector<std::string>{} : std::vector{o.value});
    return string_node(o.value);
}

template <typename T>
void append_or_replace(std::optional<std::vector<T>>& to, const std::vector<T>& more, bool replace)
{
    if (replace || !to) to = std::vector<T>{};
    to->insert(to->end(), more.begin(), more.end());
}

void append_or_replace(std::vector<std::string>& to, const std::vector<std::string>& more, bool replace)
{
    if (replace) to.clear();
    to.insert(to.end(), more.begin(), more.end());
}

// Copies the one key `key` of `parsed` into `fields`.
void apply_key(target_fields& fields, const target_fields& parsed, const std::string& key, bool replace)
{
    if (key == "platforms") append_or_replace(fields.platforms, *parsed.platforms, replace);
    else if (key == "tags") append_or_replace(fields.tags, *parsed.tags, replace);
    else if (key == "output") append_or_replace(fields.outputs, *parsed.outputs, replace);
    else if (key == "entrypoint") append_or_replace(fields.entrypoint, *parsed.entrypoint, replace);
    else if (key == "cmd") append_or_replace(fields.cmd, *parsed.cmd, replace);
    // As in bake, annotations add to the file's, and an attest replaces only the file's record
    // of its type (the target keeps the last record of each type).
    else if (key == "annotations") append_or_replace(fields.annotations, parsed.annotations, false);
    else if (key == "attest") append_or_replace(fields.attest, parsed.attest, false);
    else if (key == "layers") append_or_replace(fields.layers, parsed.layers, replace);
    else if (key == "labels") for (const auto& [k, v] : parsed.labels) fields.labels[k] = v;
    else if (key == "env") for (const auto& [k, v] : parsed.env) fields.env[k] = v;
    else if (key == "description") fields.description = parsed.description;
    else if (key == "from") fields.from = parsed.from;
    else if (key == "workdir") fields.workdir = parsed.workdir;
    else if (key == "user") fields.user = parsed.user;
    else if (key == "context") fields.context = parsed.context;
    else if (key == "source-date-epoch") fields.source_date_epoch = parsed.source_date_epoch;
}

std::optional<bool> parse_push(const std::string& value)
{
    if (value == "true" || value == "1") return true;
    if (value == "false" || value == "0") return false;
    return std::nullopt;
}

// A target by its name first, as bake does; then a matrix target's name, which stands for the
// targets it generates; then the pattern as a glob over target names.
std::vector<std::string> matching_targets(const std::string& pattern, const std::set<std::string>& targets,
                                          const override_names& names)
{
    if (targets.contains(pattern)) return {pattern};
    if (auto m = names.matrix_targets.find(pattern); m != names.matrix_targets.end()) return m->second;
    std::vector<std::string> matched;
    for (const auto& name : targets)
        if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) matched.push_back(name);
    return matched;
}

}  // namespace

void apply_push(target_fields& fields, bool push)
{
    std::vector<std::string> kept;
    bool has_type = false;
    for (const auto& output : fields.outputs.value_or(std::vector<std::string>{})) {
        std::vector<std::string> record;
        try {
            record = parse_csv_record(output);
        } catch (const usage_error&) {
            kept.push_back(output);  // reported when the output is used
            continue;
        }
        std::string type;
        for (const auto& f : record)
            if (f.starts_with("type=")) type = f.substr(5);
        has_type = has_type || !type.empty();
        if (type == "registry" && !push) continue;  // a registry output without a push has nothing to do
        if (type == "image") {
            std::erase_if(record, [](const std::string& f) { return f.starts_with("push="); });
            record.push_back(push ? "push=true" : "push=false");
            kept.push_back(format_csv_record(record));
            continue;
        }
        kept.push_back(output);
    }
    if (push && !has_type) kept.push_back("type=image,push=true");
    fields.outputs = kept;
}

override_plan plan_overrides(const std::set<std::string>& targets, const override_names& names,
                             const std::vector<std::string>& overrides, diagnostics& problems)
{
    override_plan plan;
    std::set<std::pair<std::string, std::string>> assigned;  // (target, key) already given with "="
    auto cwd = fs::current_path();
    for (std::size_t order = 0; order < overrides.size(); ++order) {
        const auto& text = overrides[order];
        auto o = parse_override(text, problems);
        if (!o || !check_key(*o, problems)) continue;
        auto matched = matching_targets(o->pattern, targets, names);
        if (matched.empty()) {
            auto message = "could not find any target matching \"" + o->pattern + "\"";
            if (names.groups.contains(o->pattern))
                message += "; \"" + o->pattern + "\" is a group and --set names targets (or a glob over them)";
            problems.add_command_line(message);
            continue;
        }
        target_override planned;
        planned.order = order;
        planned.key = o->key;
        if (o->key == "push") {
            planned.push = parse_push(o->value);
            if (!planned.push) {
                problems.add_command_line("--set " + o->pattern + ".push: \"" + o->value + "\" is not true or false");
                continue;
            }
        } else {
            auto value = value_node(*o, problems);
            if (!value) continue;
            if (o->key == "labels" || o->key == "env") {
                json_node entry;
                entry.type = json_node::kind::object;
                entry.members.push_back({o->sub_key, {}, *value});
                value = entry;
            }
            if (!assign_field(planned.value, o->key, *value, cwd, {}, problems)) continue;
        }
        for (const auto& name : matched) {
            planned.replace = !o->append && assigned.insert({name, o->key}).second;
            plan[name].push_back(planned);
        }
    }
    return plan;
}

void apply_overrides(target_fields& fields, const std::vector<target_override>& overrides)
{
    for (const auto& o : overrides) {
        // Already in the value, taken from a parent the same override reached.
        if (!fields.overridden[o.push ? "output" : o.key].insert(o.order).second) continue;
        if (o.push)
            apply_push(fields, *o.push);
        else
            apply_key(fields, o.value, o.key, o.replace);
    }
}

}  // namespace lading::bake
