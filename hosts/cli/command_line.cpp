#include "command_line.hpp"

#include <lading/error.hpp>

namespace lading::cli {

command_line::command_line(const std::vector<std::string>& args, const std::set<std::string>& value_flags,
                           const std::set<std::string>& switch_flags)
{
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
        std::string flag = a, value;
        bool has_inline = false;
        if (auto eq = a.find('='); eq != std::string::npos && a.starts_with("--")) {
            flag = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_inline = true;
        }
        if (value_flags.count(flag)) {
            if (!has_inline) {
                if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
                value = args[++i];
            }
            values_[flag].push_back(value);
            ordered_.emplace_back(flag, value);
        } else if (switch_flags.count(flag) && !has_inline) {
            values_[flag].push_back("");
            ordered_.emplace_back(flag, "");
        } else {
            throw usage_error("unknown flag " + flag + "; see lading --help");
        }
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
