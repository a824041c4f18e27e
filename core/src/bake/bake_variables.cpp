#include "bake/bake_variables.hpp"

#include "bake/evaluation_budget.hpp"
#include "text/closest_name.hpp"

#include <boost/json.hpp>

namespace lading::bake {

namespace {

boost::json::value to_boost(const json_node& n)
{
    switch (n.type) {
    case json_node::kind::null: return nullptr;
    case json_node::kind::boolean: return n.boolean;
    case json_node::kind::number: return boost::json::parse(n.text);
    case json_node::kind::string: return boost::json::string(n.text);
    case json_node::kind::array: {
        boost::json::array a;
        for (const auto& i : n.items) a.push_back(to_boost(i));
        return a;
    }
    case json_node::kind::object: {
        boost::json::object o;
        for (const auto& m : n.members) o[m.key] = to_boost(m.value);
        return o;
    }
    }
    return nullptr;
}

}  // namespace

std::string compact_json(const json_node& value)
{
    if (auto text = scalar_text(value)) return *text;
    return boost::json::serialize(to_boost(value));
}

void bake_variables::read_block(const json_node& block, const std::filesystem::path& file, diagnostics& problems)
{
    if (!block.is_object()) {
        problems.add({file, block.at}, "\"variable\" must be an object of variables, found " +
                                           std::string(kind_name(block.type)));
        return;
    }
    for (const auto& v : block.members) {
        auto& d = variables_[v.key];
        // As in bake, a later block of this name replaces the earlier one whole: a default or
        // type the later block leaves out is gone. A global attribute of the name stays.
        d.default_value.reset();
        d.default_file.clear();
        d.type.reset();
        d.description.clear();
        d.where = {file, v.key_at};
        d.has_block = true;
        if (!v.value.is_object()) {
            problems.add({file, v.value.at}, "variable \"" + v.key + "\" must be an object with \"default\", "
                                             "\"type\" or \"description\", found " + std::string(kind_name(v.value.type)));
            continue;
        }
        for (const auto& m : v.value.members) {
            if (m.key == "default") {
                d.default_value = m.value;
                d.default_file = file;
            } else if (m.key == "description" && m.value.is_string()) {
                d.description = m.value.text;
            } else if (m.key == "type" && m.value.is_string()) {
                d.type = parse_variable_type(m.value.text);
                if (!d.type)
                    problems.add({file, m.value.at}, "unknown variable type \"" + m.value.text +
                                                         "\"; use string, number, bool, list(T), map(T) or any");
            } else if (m.key == "description" || m.key == "type") {
                problems.add({file, m.value.at}, "\"" + m.key + "\" must be a string, found " +
                                                     std::string(kind_name(m.value.type)));
            } else {
                problems.add({file, m.key_at}, "unknown key \"" + m.key + "\" in variable \"" + v.key + "\"" +
                                                   text::did_you_mean(m.key, {"default", "type", "description"}));
            }
        }
    }
}

void bake_variables::read_global_attribute(const json_member& attribute, const std::filesystem::path& file)
{
    auto& d = variables_[attribute.key];
    if (!d.has_block) d.where = {file, attribute.key_at};
    d.attribute_value = attribute.value;
    d.attribute_file = file;
}

void bake_variables::resolve(const std::map<std::string, std::string>& environment,
                             const std::map<std::string, std::string>& builtins, diagnostics& problems)
{
    for (const auto& [name, text] : builtins) {
        auto& d = variables_[name];
        d = declared{};  // bake ignores a block that declares a built-in
        d.builtin = true;
        d.value.type = json_node::kind::string;
        d.value.text = text;
        d.progress = declared::state::done;
    }
    environment_ = &environment;
    problems_ = &problems;
    for (auto& [name, d] : variables_) {
        chain_.clear();
        value_of(name);
    }
    environment_ = nullptr;
    problems_ = nullptr;
}

const json_node& bake_variables::value_of(const std::string& name)
{
    auto& d = variables_.at(name);
    if (d.progress == declared::state::done) return d.value;
    d.value.type = json_node::kind::string;  // what a failed variable reads as, so errors do not cascade
    if (d.progress == declared::state::resolving) {
        std::string loop;
        for (const auto& c : chain_) loop += c + " -> ";
        problems_->add(d.where, "variable loop: " + loop + name);
        return d.value;
    }
    if (chain_.size() >= max_reference_depth) {
        if (!reported_depth_)
            problems_->add(d.where, "variable \"" + chain_.front() + "\" reaches \"" + name + "\" through more than " +
                                        std::to_string(max_reference_depth) + " references");
        reported_depth_ = true;
        return d.value;
    }
    d.progress = declared::state::resolving;
    chain_.push_back(name);
    fresh_rounds own_budget;
    auto type = d.type ? *d.type : type_of_default(d.default_value.value_or(json_node{}));
    const auto env = d.has_block ? environment_value(name, d.type.has_value()) : std::nullopt;
    if (env && !d.type && d.default_value) {
        // As bake does, the default is evaluated even so, and its value (not its text: a
        // default may call a function or compare) gives the type the environment converts to.
        json_node value = *d.default_value;
        if (interpolate(value, lookup(), d.default_file, *problems_)) type = type_of_default(value);
    }
    if (env) {
        std::string error;
        auto v = env->json && d.type ? parse_json_environment_value(env->text, type, error)
                                     : parse_environment_value(env->text, type, error);
        if (v)
            d.value = *v;
        else
            problems_->add(d.where, "variable \"" + name + "\" from the environment (" + env->variable + "): " + error);
    } else if (d.attribute_value) {
        json_node value = *d.attribute_value;
        if (interpolate(value, lookup(), d.attribute_file, *problems_)) d.value = value;
    } else if (d.default_value) {
        json_node value = *d.default_value;
        if (interpolate(value, lookup(), d.default_file, *problems_)) {
            if (auto e = d.type ? fit_to_type(value, *d.type) : std::nullopt)
                problems_->add({d.default_file, d.default_value->at}, "default of variable \"" + name + "\": " + *e);
            else
                d.value = value;
        }
    } else if (d.type) {
        d.value = json_node{};  // null, as bake gives a typed variable without a value
    }
    chain_.pop_back();
    d.progress = declared::state::done;
    return d.value;
}

// NAME, or bake's NAME_JSON: a typed variable reads NAME_JSON first, an untyped one only
// without NAME (and then as NAME's text). A variable or built-in named NAME_JSON is not read
// from the environment as an override of NAME.
std::optional<bake_variables::environment_text> bake_variables::environment_value(const std::string& name,
                                                                                 bool typed) const
{
    const auto plain = environment_->find(name);
    const auto json_name = name + "_JSON";
    const auto declared_json = variables_.find(json_name);
    const bool json_taken = declared_json != variables_.end() && (declared_json->second.has_block || declared_json->second.builtin);
    if ((typed || plain == environment_->end()) && !json_taken)
        if (auto json = environment_->find(json_name); json != environment_->end())
            return environment_text{json_name, json->second, true};
    if (plain != environment_->end()) return environment_text{name, plain->second, false};
    return std::nullopt;
}

name_lookup bake_variables::lookup()
{
    return [this](const std::string& name) -> std::optional<json_node> {
        if (!variables_.contains(name)) return std::nullopt;
        return value_of(name);
    };
}

std::vector<variable_listing> bake_variables::listing() const
{
    std::vector<variable_listing> out;
    for (const auto& [name, d] : variables_) {
        if (d.builtin) continue;
        auto type = d.type ? d.type->str() : "";
        out.push_back({name, type, compact_json(d.value), d.description});
    }
    return out;
}

}  // namespace lading::bake
