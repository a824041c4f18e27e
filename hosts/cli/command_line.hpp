// How one command reads its argv: the flags it takes (each with a line of help), its usage
// line and its examples. The same table drives parsing and `--help`, so they cannot disagree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading::cli {

struct flag_spec {
    std::vector<std::string> names;  // every spelling, the canonical one last: {"-o", "--output"}
    std::string value;               // the value's placeholder ("SPEC"); empty for a switch
    std::string help;
};

struct command_spec {
    std::string name;     // "export", "store check"
    std::string usage;    // the synopsis after "usage: "
    std::string summary;  // one sentence, also listed by `lading --help`
    std::vector<flag_spec> flags;
    std::vector<std::string> examples;
    std::string details;  // further paragraphs, optional
};

// The text `lading COMMAND --help` prints.
std::string help_text(const command_spec& spec);

class command_line {
public:
    // Reads flags with values (--x v, --x=v), switches, repeated flags and positionals; "--"
    // ends the flags. An unknown flag or a missing value is a usage_error. --help or -h
    // anywhere before "--" sets help_requested() instead and nothing else is read.
    command_line(const std::vector<std::string>& args, const command_spec& spec);

    bool help_requested() const { return help_requested_; }
    // Values of a flag by its canonical name, whichever spelling was used.
    std::optional<std::string> last(const std::string& flag) const;
    std::vector<std::string> all(const std::string& flag) const;
    bool has(const std::string& flag) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    // Flags (canonical name) and positionals ("") in the order given.
    const std::vector<std::pair<std::string, std::string>>& ordered() const { return ordered_; }

private:
    bool help_requested_ = false;
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positionals_;
    std::vector<std::pair<std::string, std::string>> ordered_;
};

// Prints help_text(spec) on stdout; returns the exit status 0.
int print_help(const command_spec& spec);

}  // namespace lading::cli
