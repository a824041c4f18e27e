#include "bake/user_functions.hpp"

#include "bake/evaluation_budget.hpp"
#include "bake/hcl_identifier.hpp"
#include "bake/template_functions.hpp"
#include "text/closest_name.hpp"

#include <algorithm>

namespace lading::bake {

namespace {

thread_local user_functions* innermost = nullptr;

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// Leaves the call stack as it was however the call ends.
class call_under_way {
public:
    call_under_way(std::vector<std::string>& calling, const std::string& name) : calling_(calling)
    {
        calling_.push_back(name);
    }
    ~call_under_way() { calling_.pop_back(); }
    call_under_way(const call_under_way&) = delete;
    call_under_way& operator=(const call_under_way&) = delete;

private:
    std::vector<std::string>& calling_;
};

// The cycle that `name` closes, from its place in a path of calls (`from`) to the path's end.
std::string cycle_report(std::vector<std::string>::const_iterator from, std::vector<std::string>::const_iterator end,
                         const std::string& name)
{
    std::string cycle;
    for (; from != end; ++from) cycle += *from + " -> ";
    return "function \"" + name + "\" calls itself (" + cycle + name + "); bake does not allow a function cycle";
}

}  // namespace

// A parameter as HCL takes it: a bare name in an HCL file (which the reader hands over as
// the expression "${NAME}"), a string holding a name in a JSON file.
std::optional<std::string> user_functions::parameter_name(const json_node& node, bake_syntax syntax) const
{
    if (!node.is_string()) return std::nullopt;
    std::string_view text = node.text;
    if (syntax == bake_syntax::hcl) {
        if (node.text_column != 0 || !text.starts_with("${") || !text.ends_with("}")) return std::nullopt;
        text = text.substr(2, text.size() - 3);
    }
    if (!is_identifier(text)) return std::nullopt;
    return std::string(text);
}

std::optional<user_functions::definition> user_functions::read_definition(const json_member& block,
                                                                          const std::filesystem::path& file,
                                                                          bake_syntax syntax,
                                                                          diagnostics& problems) const
{
    const auto& name = block.key;
    bool ok = true;
    auto problem = [&](source_position at, const std::string& message) {
        problems.add({file, at}, message);
        ok = false;
    };
    if (!is_identifier(name)) problem(block.key_at, "a function's name is an identifier, not \"" + name + "\"");
    if (is_bake_builtin_function(name))
        problem(block.key_at, "function \"" + name + "\" has the name of one of bake's built-in functions, which " +
                                  "takes the place of a \"function\" block in bake; name it otherwise");
    if (!block.value.is_object()) {
        problem(block.value.at, "function \"" + name + "\" must be an object with \"params\" and \"result\", found " +
                                    std::string(kind_name(block.value.type)));
        return std::nullopt;
    }
    const char* how = syntax == bake_syntax::hcl ? "a bare name (params = [name])" : "a string holding a name";
    definition d;
    d.file = file;
    d.at = block.key_at;
    bool has_params = false, has_result = false;
    std::vector<std::string> seen;
    auto add_parameter = [&](const json_node& node, const char* what) -> std::optional<std::string> {
        auto p = parameter_name(node, syntax);
        if (!p) {
            problem(node.at, std::string(what) + " of function \"" + name + "\" must be " + how);
            return std::nullopt;
        }
        if (std::find(seen.begin(), seen.end(), *p) != seen.end())
            problem(node.at, "function \"" + name + "\" names parameter \"" + *p + "\" twice");
        seen.push_back(*p);
        return p;
    };
    for (const auto& m : block.value.members) {
        if (m.key == "params") {
            has_params = true;
            if (!m.value.is_array()) {
                problem(m.value.at, "\"params\" of function \"" + name + "\" must be a list, found " +
                                        std::string(kind_name(m.value.type)));
                continue;
            }
            for (const auto& item : m.value.items)
                if (auto p = add_parameter(item, "a parameter")) d.params.push_back(*p);
        } else if (m.key == "variadic_params") {
            d.variadic_params = add_parameter(m.value, "\"variadic_params\"");
        } else if (m.key == "result") {
            has_result = true;
            d.result = m.value;
        } else {
            problem(m.key_at, "unknown key \"" + m.key + "\" in function \"" + name + "\"" +
                                  text::did_you_mean(m.key, {"params", "variadic_params", "result"}));
        }
    }
    d.references = references_in(d.result);
    if (!has_params) problem(block.key_at, "function \"" + name + "\" has no \"params\" (write params = [] for none)");
    if (!has_result) problem(block.key_at, "function \"" + name + "\" has no \"result\"");
    if (!ok) return std::nullopt;
    return d;
}

void user_functions::read_block(const json_node& block, const std::filesystem::path& file, bake_syntax syntax,
                                diagnostics& problems)
{
    if (!block.is_object()) {
        problems.add({file, block.at}, "\"function\" must be an object of functions, found " +
                                           std::string(kind_name(block.type)));
        return;
    }
    for (const auto& f : block.members)
        if (auto d = read_definition(f, file, syntax, problems)) functions_[f.key] = std::move(*d);
}

void user_functions::check(const std::function<bool(const std::string&)>& is_variable, diagnostics& problems) const
{
    for (const auto& [name, f] : functions_) {
        for (const auto& read : f.references.names) {
            const bool parameter = std::find(f.params.begin(), f.params.end(), read) != f.params.end() ||
                                   (f.variadic_params && *f.variadic_params == read);
            if (!parameter && !is_variable(read))
                problems.add({f.file, f.at}, "function \"" + name + "\" reads \"" + read +
                                                 "\", which is neither one of its parameters nor a variable");
        }
        for (const auto& called : f.references.calls)
            if (!defines(called) && !is_template_function(called) && !is_bake_builtin_function(called))
                problems.add({f.file, f.at}, "function \"" + name + "\" calls " + called + "(), which is not a function");
    }
    std::set<std::string> done;
    for (const auto& [name, f] : functions_) {
        std::vector<std::string> path;
        check_cycles(name, path, done, problems);
    }
}

void user_functions::check_cycles(const std::string& name, std::vector<std::string>& path, std::set<std::string>& done,
                                  diagnostics& problems) const
{
    if (done.contains(name)) return;
    if (auto on_path = std::find(path.begin(), path.end(), name); on_path != path.end()) {
        const auto& first = functions_.at(name);
        problems.add({first.file, first.at}, cycle_report(on_path, path.end(), name));
        return;
    }
    path.push_back(name);
    for (const auto& called : functions_.at(name).references.calls)
        if (defines(called)) check_cycles(called, path, done, problems);
    path.pop_back();
    done.insert(name);
}

name_lookup user_functions::with_arguments(const definition& f, const std::vector<json_node>& args) const
{
    return [&f, &args, this](const std::string& name) -> std::optional<json_node> {
        for (std::size_t i = 0; i < f.params.size(); ++i)
            if (f.params[i] == name) return args[i];
        if (f.variadic_params && *f.variadic_params == name) {
            json_node rest;
            rest.type = json_node::kind::array;
            rest.items.assign(args.begin() + static_cast<std::ptrdiff_t>(f.params.size()), args.end());
            return rest;
        }
        return globals_ ? globals_(name) : std::nullopt;
    };
}

json_node user_functions::call(const std::string& name, const std::vector<json_node>& args)
{
    const auto& f = functions_.at(name);
    const auto wanted = f.params.size();
    if (f.variadic_params ? args.size() < wanted : args.size() != wanted)
        throw user_function_error{name + "() takes " + (f.variadic_params ? "at least " : "") +
                                  plural(wanted, "argument") + ", not " + std::to_string(args.size())};
    for (std::size_t i = 0; i < args.size(); ++i)
        if (args[i].type == json_node::kind::null)
            throw user_function_error{name + "(): argument " + std::to_string(i + 1) + " is null, which bake's " +
                                      "functions do not take"};
    if (auto from = std::find(calling_.begin(), calling_.end(), name); from != calling_.end())
        throw user_function_error{cycle_report(from, calling_.end(), name)};
    evaluation_level level(evaluation_level::kind::function_call);
    if (!level.entered())
        throw user_function_error{"function calls nest more than " + std::to_string(max_function_nesting) +
                                  " levels deep"};
    call_under_way under_way(calling_, name);
    json_node value = f.result;
    diagnostics problems;
    if (interpolate(value, with_arguments(f, args), f.file, problems)) return value;
    if (problems.list().empty()) throw lookup_refusal{};  // reported already
    const auto& first = problems.list().front();
    throw user_function_error{"in function \"" + name + "\" (" + first.file.string() + ":" +
                              std::to_string(first.at.line) + ":" + std::to_string(first.at.column) + "): " +
                              first.message};
}

user_function_scope::user_function_scope(user_functions& functions) : previous_(innermost) { innermost = &functions; }

user_function_scope::~user_function_scope() { innermost = previous_; }

user_functions* active_user_functions() { return innermost; }

}  // namespace lading::bake
