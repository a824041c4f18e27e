// Whiteouts, the way a layer deletes what the layers below it hold: an entry named
// ".wh.NAME" removes NAME from the same directory, and "DIR/.wh..wh..opq" makes DIR
// opaque: everything the layers below put in DIR disappears, what this layer puts there
// stays, in whatever order the entries come.
#pragma once

#include "unpack/confined_path.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace lading::unpack {

enum class whiteout_kind {
    none,      // an ordinary name
    remove,    // ".wh.NAME": delete NAME
    opaque,    // ".wh..wh..opq": hide the directory's lower content
    metadata,  // other ".wh..wh." names (aufs bookkeeping): ignored
};

struct whiteout {
    whiteout_kind kind = whiteout_kind::none;
    std::string target;  // NAME, for whiteout_kind::remove
};

// What an entry's last name component means. Throws lading::error for a whiteout that
// names nothing ("", "." or ".." after ".wh.").
whiteout classify_whiteout(std::string_view base_name);

// Removes everything below the directory `dir_fd` (whose path in the rootfs is `dir_path`)
// whose path is not in `kept`, descending into kept directories. `removed` is told the
// path of each subtree it deletes. Each kept entry looked at costs `budget` one step: a
// layer repeating opaque markers would otherwise walk its own entries again and again.
void remove_lower_entries(int dir_fd, const std::string& dir_path, const std::unordered_set<std::string>& kept,
                          const std::function<void(const std::string&)>& removed, resolution_budget& budget);

}  // namespace lading::unpack
