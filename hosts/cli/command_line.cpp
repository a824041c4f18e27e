#include "command_line.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <iostream>

namespace lading::cli {

namespace {

const flag_spec* find_flag(const command_spec& spec, const std::string& name)
{
    for (const auto& f : spec.flags)
        if (std::find(f.names.begin(), f.names.end(), name) != f.names.end()) return &f;
    return nullptr;
}

std::string spelled(const flag_spec& f)
{
    std::string text;
    for (const auto& n : f.names) text += (text.empty() ? "" : ", ") + n;
    return f.value.empty() ? text : text + " " + f.value;
}

}  // namespace

std::string help_text(const command_spec& spec)
{
    std::string text = "usage: " + spec.usage + "\n\n" + spec.summary + "\n";
    if (!spec.details.empty()) text += "\n" + spec.details;
    constexpr std::size_t column = 26;
    text += "\nFlags:\n";
    auto add_row = [&](const std::string& left, const std::string& help) {
        std::string row = "  " + left;
        row += row.size() + 2 > column ? "\n" + std::string(column, ' ') : std::string(column - row.size(), ' ');
        text += row + help + "\n";
    };
    for (const auto& f : spec.flags) add_row(spelled(f), f.help);
    add_row("-h, --help", "show this help");
    if (!spec.examples.empty()) {
        text += "\nExamples:\n";
        for (const auto& e : spec.examples) text += "  " + e + "\n";
    }
    return text;
}

int print_help(const command_spec& spec)
{
    std::cout << help_text(spec);
    return 0;
}

command_line::command_line(const std::vector<std::string>& args, const command_spec& spec)
{
    // --help wins over everything else on the line, even a flag this command does not know.
    for (const auto& a : args) {
        if (a == "--") break;
        if (a == "--help" || a == "-h") {
            help_requested_ = true;
            return;
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--") {
            for (++i; i < args.size(); ++i) {
                positionals_.push_back(args[i]);
                ordered_.emplace_back("", args[i]);
            }
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            positionals_.push_back(a);
            ordered_.emplace_back("", a);
            continue;
        }
        std::string name = a, value;
        bool has_inline = false;
        if (auto eq = a.find('='); eq != std::string::npos && a.starts_with("--")) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_inline = true;
        }
        const auto* flag = find_flag(spec, name);
        if (!flag || (flag->value.empty() && has_inline))
            throw usage_error("unknown flag " + name + "; see lading " + spec.name + " --help");
        if (!flag->value.empty() && !has_inline) {
            if (i + 1 >= args.size()) throw usage_error(name + " needs a value (" + flag->value + ")");
            value = args[++i];
        }
        const auto& canonical = flag->names.back();
        values_[canonical].push_back(value);
        ordered_.emplace_back(canonical, value);
    }
}

std::optional<std::string> command_line::last(const std::string& flag) const
{
    auto it = values_.find(flag);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> command_line::all(const std::string& flag) const
{
    auto it = values_.find(flag);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool command_line::has(const std::string& flag) const { return values_.count(flag) != 0; }

}  // namespace lading::cli
