// The problems found in bake files. Reading goes on after a problem so that one run reports
// them all; each is shown as "FILE:LINE:COL: message", the source line, and a caret.
#pragma once

#include "bake/positioned_json.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lading::bake {

struct diagnostic {
    std::filesystem::path file;  // empty: the problem is on the command line
    source_position at;
    std::string message;
};

// Where a value came from: the file as named on the command line, and its position there.
struct origin {
    std::filesystem::path file;
    source_position at;
};

class diagnostics {
public:
    // The same message at the same place is kept once (a matrix repeats its strings).
    void add(const origin& where, std::string message);
    void add_command_line(std::string message) { list_.push_back({{}, {}, std::move(message)}); }
    bool empty() const { return list_.empty(); }
    const std::vector<diagnostic>& list() const { return list_; }

private:
    std::vector<diagnostic> list_;
};

// The text of every file read, by the path it was named with, for showing source lines.
using source_texts = std::map<std::filesystem::path, std::string>;

// Every diagnostic in the order found, each with its source line and a caret under the column.
std::string render_diagnostics(const std::vector<diagnostic>& list, const source_texts& sources);

}  // namespace lading::bake
