// "${target.NAME.KEY}" in a target's keys: KEY of target NAME as its definitions write it,
// interpolated, before inherits and --set apply (bake's reading of `target.NAME.KEY`). The
// last definition of NAME that sets KEY gives the value; a key no definition sets is null,
// which leaves a key it fills whole unset. A matrix target is referenced by the names it
// generates. Each field is interpolated once, so its problems are reported once however
// often it is referenced.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/interpolation.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lading::bake {

// One target definition of one file (one combination of a matrix), not yet interpolated.
struct target_definition {
    std::string name;
    origin where;
    json_node fields;    // an object of the target's keys, "matrix" and "name" left out
    name_lookup lookup;  // the variables and, for a matrix target, the combination's axes
    std::filesystem::path file;
};

class target_references {
public:
    target_references(const std::vector<target_definition>& definitions,
                      const std::map<std::string, std::vector<std::string>>& matrix_targets, diagnostics& problems);

    // Member `member` of definition `definition`, interpolated; nullptr when it had problems.
    const json_node* field(std::size_t definition, std::size_t member);

private:
    enum class state { waiting, interpolating, done, failed };

    const std::vector<target_definition>& definitions_;
    const std::map<std::string, std::vector<std::string>>& matrix_targets_;
    diagnostics& problems_;
    std::vector<std::vector<state>> states_;
    std::vector<std::vector<json_node>> values_;
    std::size_t depth_ = 0;  // fields being interpolated
    bool reported_depth_ = false;

    std::optional<json_node> look_up(std::size_t definition, const std::string& name);
    json_node referenced(const std::string& reference);
};

// `lookup` for strings outside a target's keys (groups, matrix values, a matrix target's
// name), where a "${target.NAME.KEY}" is refused with a message saying where it works.
name_lookup outside_targets(name_lookup lookup);

}  // namespace lading::bake
