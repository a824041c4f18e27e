#include "bake/target_references.hpp"

#include "bake/target_fields.hpp"
#include "text/closest_name.hpp"

#include <algorithm>

namespace lading::bake {

namespace {

constexpr std::string_view prefix = "target.";

json_node null_node()
{
    return {};
}

}  // namespace

target_references::target_references(const std::vector<target_definition>& definitions,
                                     const std::map<std::string, std::vector<std::string>>& matrix_targets,
                                     diagnostics& problems)
    : definitions_(definitions), matrix_targets_(matrix_targets), problems_(problems)
{
    for (const auto& d : definitions_) {
        states_.emplace_back(d.fields.members.size(), state::waiting);
        values_.emplace_back();
        for (const auto& m : d.fields.members) values_.back().push_back(m.value);
    }
}

const json_node* target_references::field(std::size_t definition, std::size_t member)
{
    auto& s = states_[definition][member];
    if (s == state::waiting && depth_ >= max_reference_depth) {
        const auto& written = definitions_[definition];
        if (!reported_depth_)
            problems_.add({written.file, written.fields.members[member].value.at},
                          "\"${target." + written.name + "." + written.fields.members[member].key +
                              "}\" is reached through more than " + std::to_string(max_reference_depth) +
                              " references");
        reported_depth_ = true;
        s = state::failed;
    }
    if (s == state::waiting) {
        s = state::interpolating;
        ++depth_;
        name_lookup lookup = [this, definition](const std::string& name) { return look_up(definition, name); };
        bool ok = interpolate(values_[definition][member], lookup, definitions_[definition].file, problems_);
        --depth_;
        s = ok ? state::done : state::failed;
    }
    if (s == state::interpolating) return nullptr;
    return s == state::done ? &values_[definition][member] : nullptr;
}

std::optional<json_node> target_references::look_up(std::size_t definition, const std::string& name)
{
    if (name.starts_with(prefix)) return referenced(name);
    return definitions_[definition].lookup(name);
}

json_node target_references::referenced(const std::string& reference)
{
    auto rest = reference.substr(prefix.size());
    auto dot = rest.find('.');
    if (dot == std::string::npos)
        throw lookup_refusal{"\"${" + reference + "}\" names no key; write ${" + reference + ".KEY}"};
    auto name = rest.substr(0, dot);
    auto key = rest.substr(dot + 1);
    if (key == "name") return string_node(name);
    bool found = false;
    std::optional<std::pair<std::size_t, std::size_t>> last;  // the definition and member that set the key
    for (std::size_t d = 0; d < definitions_.size(); ++d) {
        if (definitions_[d].name != name) continue;
        found = true;
        const auto& members = definitions_[d].fields.members;
        for (std::size_t m = 0; m < members.size(); ++m)
            if (members[m].key == key) last = {d, m};
    }
    if (!found) {
        if (matrix_targets_.contains(name))
            throw lookup_refusal{"\"" + name + "\" is a matrix target; reference one of the targets it generates"};
        std::vector<std::string_view> names;
        for (const auto& d : definitions_) names.push_back(d.name);
        throw lookup_refusal{"unknown target \"" + name + "\" in \"${" + reference + "}\"" +
                             text::did_you_mean(name, names)};
    }
    const auto& keys = target_keys();
    if (key == "matrix" || std::find(keys.begin(), keys.end(), key) == keys.end())
        throw lookup_refusal{"unknown key \"" + key + "\" in \"${" + reference + "}\"" + text::did_you_mean(key, keys)};
    if (!last) return null_node();
    auto [d, m] = *last;
    if (states_[d][m] == state::interpolating)
        throw lookup_refusal{"reference loop: \"${" + reference + "}\" depends on itself"};
    const auto* value = field(d, m);
    if (!value) throw lookup_refusal{""};  // reported where that key is written
    return *value;
}

name_lookup outside_targets(name_lookup lookup)
{
    return [lookup = std::move(lookup)](const std::string& name) -> std::optional<json_node> {
        if (name.starts_with(prefix))
            throw lookup_refusal{"\"${" + name + "}\" works only in a target's keys"};
        return lookup(name);
    };
}

}  // namespace lading::bake
