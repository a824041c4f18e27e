// A small argv reader: flags with values (--x v or --x=v), repeated flags, positionals.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lading::cli {

class command_line {
public:
    // value_flags take a value; switch_flags do not. Anything else starting with '-' is a
    // usage_error naming the flag.
    command_line(const std::vector<std::string>& args, const std::set<std::string>& value_flags,
                 const std::set<std::string>& switch_flags);

    std::optional<std::string> last(const std::string& flag) const;
    std::vector<std::string> all(const std::string& flag) const;
    bool has(const std::string& flag) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    // Flags and positionals in the order given (flag name, or "" for a positional).
    const std::vector<std::pair<std::string, std::string>>& ordered() const { return ordered_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positionals_;
    std::vector<std::pair<std::string, std::string>> ordered_;
};

}  // namespace lading::cli
