#include "bake/resolve_bake.hpp"

#include "bake/bake_file_text.hpp"
#include "bake/evaluation_budget.hpp"
#include "bake/hcl_identifier.hpp"
#include "bake/hcl_reader.hpp"
#include "bake/set_override.hpp"
#include "bake/target_fields.hpp"
#include "bake/target_references.hpp"
#include "bake/user_functions.hpp"
#include "text/closest_name.hpp"

#include <lading/error.hpp>
#include <lading/oci/platform.hpp>

#include <algorithm>
#include <set>

extern char** environ;

namespace lading::bake {

namespace {

namespace fs = std::filesystem;

// Each combination is a target; a few short axes would otherwise make more than fits in memory.
constexpr std::size_t max_matrix_combinations = 10000;

struct group_definition {
    std::vector<named_reference> targets;
    std::string description;
};

struct bake_file {
    fs::path path;  // as named
    json_node root;
    bake_syntax syntax = bake_syntax::json;
};

// As buildx: identifier characters, a digit or '-' first too.
bool valid_target_name(const std::string& name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), is_identifier_character);
}

// lading's own file names, else bake's; every file of the first family found is read, in
// bake's order (a JSON file, then an HCL file, then their overrides).
std::vector<fs::path> default_files()
{
    const std::vector<std::vector<const char*>> families = {
        {"lading-bake.json", "lading-bake.hcl"},
        {"docker-bake.json", "docker-bake.hcl", "docker-bake.override.json", "docker-bake.override.hcl"}};
    for (const auto& family : families) {
        std::vector<fs::path> found;
        for (auto name : family)
            if (fs::exists(name)) found.emplace_back(name);
        if (!found.empty()) return found;
    }
    throw usage_error("no bake file: none of lading-bake.json, lading-bake.hcl, docker-bake.json or "
                      "docker-bake.hcl is in the current directory; name one with -f FILE");
}

class bake_reader {
public:
    explicit bake_reader(const bake_request& request) : request_(request) {}

    bake_reading read()
    {
        files_budget whole_read;
        load_files();
        // Every expression from here on may call the files' functions.
        for (const auto& f : files_)
            if (const auto* block = f.root.find("function")) functions_.read_block(*block, f.path, f.syntax, problems());
        functions_.set_globals(variables_.lookup());
        user_function_scope calls_functions(functions_);
        for (const auto& f : files_) read_variables(f);
        functions_.check([this](const std::string& name) { return variables_.declares(name) || request_.builtins.contains(name); },
                         problems());
        variables_.resolve(request_.environment, request_.builtins, out_.problems);
        out_.variables = variables_.listing();
        if (request_.purpose == bake_purpose::list_variables) return std::move(out_);
        for (const auto& f : files_) read_groups_and_targets(f);
        if (request_.purpose == bake_purpose::list_targets) {
            list(definition_descriptions());
            return std::move(out_);
        }
        add_definitions();
        plan_all_overrides();
        resolve_all_inherits();
        expansion everything;  // reports loops and unknown names
        std::vector<std::string> chain;
        for (const auto& [name, g] : groups_) expand(name, chain, {}, everything);
        select();
        return std::move(out_);
    }

private:
    const bake_request& request_;
    bake_reading out_;
    std::vector<bake_file> files_;
    bake_variables variables_;
    user_functions functions_;
    std::map<std::string, group_definition> groups_;
    std::vector<target_definition> definitions_;     // in the order read
    std::map<std::string, target_fields> targets_;   // as merged from the files
    std::map<std::string, std::vector<std::string>> matrix_groups_;  // matrix target -> its targets
    std::map<std::string, std::string> matrix_descriptions_;
    override_plan overrides_;                        // --set and --push, by target
    std::map<std::string, target_fields> resolved_;  // with inherits and overrides applied
    std::set<std::set<std::string>> reported_loops_;
    bool reported_inherits_depth_ = false, reported_groups_depth_ = false;  // once each

    diagnostics& problems() { return out_.problems; }

    void load_files()
    {
        auto paths = request_.files.empty() ? default_files() : request_.files;
        for (const auto& path : paths) {
            auto text = read_bake_text(path);
            if (const auto* fault = std::get_if<bake_text_fault>(&text)) {
                // No source line is shown: it may hold bytes that are not text.
                if (fault->at)
                    problems().add({path, *fault->at}, fault->message);
                else
                    problems().add_command_line(fault->message);
                continue;
            }
            out_.sources[path] = std::get<std::string>(std::move(text));
            json_syntax_error error;
            const auto& source = out_.sources[path];
            const auto syntax = syntax_of(path, source);
            auto root = syntax == bake_syntax::hcl ? parse_bake_hcl(source, error) : parse_positioned_json(source, error);
            if (!root) {
                problems().add({path, error.at}, (syntax == bake_syntax::hcl ? "HCL syntax: " : "JSON syntax: ") +
                                                     error.message);
                continue;
            }
            if (!root->is_object()) {
                problems().add({path, root->at}, "a bake file is an object with \"variable\", \"group\" and "
                                                 "\"target\", found " + std::string(kind_name(root->type)));
                continue;
            }
            for (const auto& m : root->members) {
                if (m.global_attribute || m.key == "variable" || m.key == "group" || m.key == "target" ||
                    m.key == "function")
                    continue;
                problems().add({path, m.key_at}, "unknown block \"" + m.key + "\"" +
                                                     text::did_you_mean(m.key, {"variable", "group", "target", "function"}));
            }
            files_.push_back({path, std::move(*root), syntax});
        }
    }

    void read_variables(const bake_file& f)
    {
        for (const auto& m : f.root.members) {
            if (m.global_attribute)
                variables_.read_global_attribute(m, f.path);
            else if (m.key == "variable")
                variables_.read_block(m.value, f.path, problems());
        }
    }

    bool check_block(const json_node& block, const bake_file& f, const std::string& what)
    {
        if (block.is_object()) return true;
        problems().add({f.path, block.at}, "\"" + what + "\" must be an object, found " + std::string(kind_name(block.type)));
        return false;
    }

    void read_groups_and_targets(const bake_file& f)
    {
        if (const auto* block = f.root.find("group"); block && check_block(*block, f, "group"))
            for (const auto& g : block->members) read_group(g, f);
        if (const auto* block = f.root.find("target"); block && check_block(*block, f, "target"))
            for (const auto& t : block->members) read_target(t, f);
    }

    void read_group(const json_member& g, const bake_file& f)
    {
        if (!g.value.is_object()) {
            problems().add({f.path, g.value.at}, "group \"" + g.key + "\" must be an object with \"targets\", found " +
                                                     std::string(kind_name(g.value.type)));
            return;
        }
        auto& group = groups_[g.key];
        for (auto m : g.value.members) {
            if (!interpolate(m.value, outside_targets(variables_.lookup()), f.path, problems())) continue;
            if (m.key == "description" && m.value.is_string()) {
                group.description = m.value.text;
            } else if (m.key == "targets" && m.value.is_array()) {
                for (const auto& item : m.value.items) {
                    if (!item.is_string()) {
                        problems().add({f.path, item.at}, "an entry of \"targets\" must be a name, found " +
                                                              std::string(kind_name(item.type)));
                        continue;
                    }
                    bool known = std::any_of(group.targets.begin(), group.targets.end(),
                                             [&](const named_reference& r) { return r.name == item.text; });
                    if (!known) group.targets.push_back({item.text, {f.path, item.at}});
                }
            } else if (m.key == "targets" || m.key == "description") {
                problems().add({f.path, m.value.at}, "\"" + m.key + "\" must be " +
                                                         (m.key == "targets" ? "a list of names" : "a string") +
                                                         ", found " + std::string(kind_name(m.value.type)));
            } else if (m.key == "matrix") {
                problems().add({f.path, m.key_at}, "matrix is not supported for groups");
            } else {
                problems().add({f.path, m.key_at}, "unknown key \"" + m.key + "\" in group \"" + g.key + "\"" +
                                                       text::did_you_mean(m.key, {"targets", "description"}));
            }
        }
    }

    // The keys of a definition that are fields; problems with the others reported.
    json_node field_members(const json_member& t, const bake_file& f)
    {
        json_node fields;
        fields.type = json_node::kind::object;
        for (const auto& m : t.value.members) {
            if (is_build_key(m.key)) {
                problems().add({f.path, m.key_at}, build_key_message(m.key));
            } else if (std::find(target_keys().begin(), target_keys().end(), m.key) == target_keys().end()) {
                problems().add({f.path, m.key_at}, "unknown key \"" + m.key + "\" in target \"" + t.key + "\"" +
                                                       text::did_you_mean(m.key, target_keys()));
            } else if (m.key != "matrix" && m.key != "name") {
                fields.members.push_back(m);
            }
        }
        return fields;
    }

    void read_target(const json_member& t, const bake_file& f)
    {
        if (!valid_target_name(t.key)) {
            problems().add({f.path, t.key_at}, "invalid target name \"" + t.key +
                                                   "\"; use letters, digits, '_' and '-'");
            return;
        }
        if (!t.value.is_object()) {
            problems().add({f.path, t.value.at}, "target \"" + t.key + "\" must be an object, found " +
                                                     std::string(kind_name(t.value.type)));
            return;
        }
        auto fields = field_members(t, f);
        const auto* matrix = t.value.find("matrix");
        const auto* name = t.value.find("name");
        if (!matrix) {
            if (name) problems().add({f.path, name->at}, "\"name\" is only for matrix targets");
            definitions_.push_back({t.key, {f.path, t.key_at}, fields, variables_.lookup(), f.path});
            return;
        }
        expand_matrix(t, *matrix, name, fields, f);
    }

    // Interpolated only once every file is read, so that "${target.NAME.KEY}" can name a
    // target defined later or in another file. A key that interpolates to null stays unset.
    void add_definitions()
    {
        target_references references(definitions_, matrix_groups_, problems());
        for (std::size_t d = 0; d < definitions_.size(); ++d) {
            const auto& written = definitions_[d];
            target_fields definition;
            definition.where = written.where;
            for (std::size_t m = 0; m < written.fields.members.size(); ++m) {
                const auto* value = references.field(d, m);
                if (!value || value->type == json_node::kind::null) continue;
                assign_field(definition, written.fields.members[m].key, *value,
                             fs::absolute(written.file).parent_path(), written.file, problems());
            }
            auto [it, fresh] = targets_.try_emplace(written.name, definition);
            if (!fresh) merge_fields(it->second, definition);
        }
    }

    using combination = std::vector<std::pair<std::string, json_node>>;

    std::optional<std::vector<combination>> matrix_combinations(const json_member& t, const json_node& matrix,
                                                                const bake_file& f)
    {
        json_node axes = matrix;
        if (!axes.is_object()) {
            problems().add({f.path, matrix.at}, "matrix must be a map");
            return std::nullopt;
        }
        if (!interpolate(axes, outside_targets(variables_.lookup()), f.path, problems())) return std::nullopt;
        std::vector<combination> all{{}};
        for (const auto& axis : axes.members) {
            if (!axis.value.is_array()) {
                problems().add({f.path, axis.value.at}, "matrix values must be a list");
                return std::nullopt;
            }
            if (axis.value.items.empty()) {
                problems().add({f.path, axis.value.at}, "matrix axis \"" + axis.key + "\" has no values");
                return std::nullopt;
            }
            if (all.size() * axis.value.items.size() > max_matrix_combinations) {
                problems().add({f.path, matrix.at}, "matrix target \"" + t.key + "\" has more than " +
                                                        std::to_string(max_matrix_combinations) + " combinations");
                return std::nullopt;
            }
            std::vector<combination> next;
            for (const auto& c : all)
                for (const auto& v : axis.value.items) {
                    if (v.is_array()) {
                        problems().add({f.path, v.at}, "a matrix value must be a string, number, bool or object");
                        return std::nullopt;
                    }
                    auto more = c;
                    more.emplace_back(axis.key, v);
                    next.push_back(std::move(more));
                }
            all = std::move(next);
        }
        return all;
    }

    void expand_matrix(const json_member& t, const json_node& matrix, const json_node* name_node,
                       const json_node& fields, const bake_file& f)
    {
        auto combinations = matrix_combinations(t, matrix, f);
        if (!combinations) return;
        if (!name_node) {
            problems().add({f.path, t.key_at}, "matrix target \"" + t.key + "\" needs a \"name\" that tells its "
                                                  "targets apart, e.g. \"" + t.key + "-${AXIS}\"");
            return;
        }
        auto& generated = matrix_groups_[t.key];
        std::set<std::string> this_definition;
        if (const auto* d = t.value.find("description"); d && d->is_string()) matrix_descriptions_[t.key] = d->text;
        for (const auto& c : *combinations) {
            name_lookup lookup = [this, c](const std::string& n) -> std::optional<json_node> {
                for (const auto& [axis, value] : c)
                    if (axis == n) return value;
                return variables_.lookup()(n);
            };
            json_node name = *name_node;
            if (!interpolate(name, outside_targets(lookup), f.path, problems())) return;
            if (!name.is_string() || !valid_target_name(name.text)) {
                problems().add({f.path, name_node->at}, "matrix target name \"" + compact_json(name) +
                                                            "\" is not a valid target name; use letters, digits, "
                                                            "'_' and '-'");
                return;
            }
            if (!this_definition.insert(name.text).second) {
                problems().add({f.path, name_node->at}, "matrix target names must be unique; \"" + name.text +
                                                            "\" is generated more than once");
                return;
            }
            // A later file may define the same matrix target again; its targets merge by name.
            if (std::find(generated.begin(), generated.end(), name.text) == generated.end())
                generated.push_back(name.text);
            definitions_.push_back({name.text, {f.path, t.key_at}, fields, lookup, f.path});
        }
    }

    std::vector<std::string_view> all_names() const
    {
        std::vector<std::string_view> names;
        for (const auto& [n, _] : targets_) names.push_back(n);
        for (const auto& [n, _] : groups_) names.push_back(n);
        for (const auto& [n, _] : matrix_groups_) names.push_back(n);
        return names;
    }

    void plan_all_overrides()
    {
        std::set<std::string> target_names, group_names;
        for (auto& [name, fields] : targets_) {
            target_names.insert(name);
            fields.file_platforms = fields.platforms;
        }
        for (const auto& [name, _] : groups_) group_names.insert(name);
        overrides_ = plan_overrides(target_names, {matrix_groups_, group_names}, request_.overrides, out_.problems);
        // bake's --push is one more override, "*.push=true", after the others.
        if (request_.push)
            for (const auto& name : target_names) {
                target_override push;
                push.order = request_.overrides.size();
                push.key = "push";
                push.push = true;
                overrides_[name].push_back(push);
            }
    }

    void resolve_all_inherits()
    {
        for (const auto& [name, _] : targets_) {
            std::vector<std::string> chain;
            resolve_inherits(name, chain);
        }
    }

    const target_fields& resolve_inherits(const std::string& name, std::vector<std::string>& chain)
    {
        if (auto done = resolved_.find(name); done != resolved_.end()) return done->second;
        const auto& own = targets_.at(name);
        target_fields result;
        chain.push_back(name);
        for (const auto& parent : own.inherits.value_or(std::vector<named_reference>{})) {
            if (parent.name == name) {
                problems().add(parent.where, "target " + name + " cannot link to itself");
            } else if (std::find(chain.begin(), chain.end(), parent.name) != chain.end()) {
                problems().add(parent.where, "infinite loop from " + name + " to " + parent.name);
            } else if (targets_.contains(parent.name) && chain.size() >= max_reference_depth) {
                if (!reported_inherits_depth_)
                    problems().add(parent.where, "target " + chain.front() + " inherits from " + parent.name +
                                                     " through more than " + std::to_string(max_reference_depth) +
                                                     " targets");
                reported_inherits_depth_ = true;
            } else if (targets_.contains(parent.name)) {
                merge_fields(result, resolve_inherits(parent.name, chain));
            } else if (matrix_groups_.contains(parent.name)) {
                problems().add(parent.where, "cannot inherit from matrix target \"" + parent.name +
                                                 "\"; name one of the targets it generates");
            } else {
                std::vector<std::string_view> names;
                for (const auto& [n, _] : targets_) names.push_back(n);
                problems().add(parent.where, "unknown target \"" + parent.name + "\" in \"inherits\"" +
                                                 text::did_you_mean(parent.name, names));
            }
        }
        chain.pop_back();
        merge_fields(result, own);
        result.inherits.reset();
        if (auto o = overrides_.find(name); o != overrides_.end()) apply_overrides(result, o->second);
        return resolved_[name] = result;
    }

    // Each loop once, however many of its groups it is entered from.
    void report_group_loop(const std::vector<std::string>& loop, const origin& where)
    {
        if (!reported_loops_.insert(std::set<std::string>(loop.begin(), loop.end())).second) return;
        std::string text;
        for (const auto& g : loop) text += g + " -> ";
        problems().add(where, "group loop: " + text + loop.front());
    }

    // What one expansion has reached: the targets, the groups, and the groups already expanded,
    // each expanded once however many groups list it.
    struct expansion {
        std::set<std::string> targets, groups, expanded;
    };

    // Adds what `name` stands for to `into`; `chain` holds the groups being expanded. As in bake,
    // a group shadows a target of the same name, and a group's own name inside it (or the name
    // of any group it is expanded from) means the target.
    void expand(const std::string& name, std::vector<std::string>& chain, const std::optional<origin>& where,
                expansion& into)
    {
        const auto on_chain = std::find(chain.begin(), chain.end(), name);
        if (auto g = groups_.find(name); g != groups_.end() && on_chain == chain.end()) {
            if (chain.size() >= max_reference_depth) {
                if (!reported_groups_depth_)
                    problems().add(*where, "group " + chain.front() + " reaches group " + name + " through more than " +
                                               std::to_string(max_reference_depth) + " groups");
                reported_groups_depth_ = true;
                return;
            }
            into.groups.insert(name);
            if (!into.expanded.insert(name).second) return;
            chain.push_back(name);
            for (const auto& t : g->second.targets) expand(t.name, chain, t.where, into);
            chain.pop_back();
            return;
        }
        bool found = false;
        if (auto m = matrix_groups_.find(name); m != matrix_groups_.end()) {
            found = true;
            into.groups.insert(name);
            into.targets.insert(m->second.begin(), m->second.end());
        }
        if (resolved_.contains(name)) {
            found = true;
            into.targets.insert(name);
        }
        if (found) return;
        if (on_chain != chain.end()) {
            report_group_loop({on_chain, chain.end()}, *where);
            return;
        }
        auto message = "unknown target or group \"" + name + "\"" + text::did_you_mean(name, all_names());
        if (where)
            problems().add(*where, message);
        else
            problems().add_command_line(message);
    }

    void select()
    {
        auto names = request_.names;
        if (names.empty()) {
            if (groups_.contains("default")) {
                names = {"default"};
            } else if (resolved_.size() == 1) {
                names = {resolved_.begin()->first};
            } else if (resolved_.empty()) {
                if (problems().empty()) problems().add_command_line("the bake files define no targets");
                return;
            } else {
                std::string all;
                for (const auto& [n, _] : resolved_) all += (all.empty() ? "" : ", ") + n;
                problems().add_command_line("no \"default\" group and several targets; name the targets to export (" +
                                            all + ")");
                return;
            }
        }
        expansion selected;
        std::vector<std::string> chain;
        for (const auto& n : names) expand(n, chain, std::nullopt, selected);
        for (const auto& g : selected.groups) {
            auto& listed = out_.resolved.groups[g];
            if (auto declared = groups_.find(g); declared != groups_.end())
                for (const auto& t : declared->second.targets) listed.push_back(t.name);
            else
                listed = matrix_groups_.at(g);
        }
        if (names != std::vector<std::string>{"default"}) out_.resolved.groups["default"] = names;
        for (const auto& t : selected.targets) out_.resolved.targets.push_back(to_target(t, resolved_.at(t)));
    }

    // Each target's description as its definitions give it (the last one that sets it wins),
    // interpolating no other key; bake lists a target's own description, not a parent's.
    std::map<std::string, std::string> definition_descriptions()
    {
        target_references references(definitions_, matrix_groups_, problems());
        std::map<std::string, std::string> descriptions;
        for (std::size_t d = 0; d < definitions_.size(); ++d) {
            const auto& written = definitions_[d];
            descriptions.try_emplace(written.name);
            for (std::size_t m = 0; m < written.fields.members.size(); ++m) {
                if (written.fields.members[m].key != "description") continue;
                const auto* value = references.field(d, m);
                if (!value || value->type == json_node::kind::null) continue;
                target_fields read;
                if (assign_field(read, "description", *value, {}, written.file, problems()))
                    descriptions[written.name] = read.description.value_or("");
            }
        }
        return descriptions;
    }

    void list(const std::map<std::string, std::string>& target_descriptions)
    {
        for (const auto& [name, description] : target_descriptions) out_.targets.push_back({name, false, description});
        for (const auto& [name, g] : groups_) out_.targets.push_back({name, true, g.description});
        for (const auto& [name, _] : matrix_groups_)
            if (!groups_.contains(name)) out_.targets.push_back({name, true, matrix_descriptions_[name]});
        std::sort(out_.targets.begin(), out_.targets.end(),
                  [](const target_listing& a, const target_listing& b) { return a.name < b.name; });
    }
};

}  // namespace

bake_reading read_bake(const bake_request& request)
{
    return bake_reader(request).read();
}

std::map<std::string, std::string> builtin_variables()
{
    return {{"BAKE_CMD_CONTEXT", "cwd://"}, {"BAKE_LOCAL_PLATFORM", platform::host().str()}};
}

std::map<std::string, std::string> process_environment()
{
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry = *e;
        auto eq = entry.find('=');
        if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return env;
}

}  // namespace lading::bake
