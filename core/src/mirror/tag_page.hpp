// One page of a tags list (`n`, `last`) and the `Link` to the next one. Sans-I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lading::mirror {

struct tag_page {
    std::vector<std::string> tags;
    std::string link;  // empty when this is the last page
};

// `tags` in any order; the page holds those after `last` in lexical order, at most `n`. The
// Link keeps the request's `ns` (the upstream it chose), when it had one.
tag_page page_of_tags(std::vector<std::string> tags, std::optional<std::size_t> n, const std::string& last,
                      const std::string& link_path, const std::optional<std::string>& ns);

}  // namespace lading::mirror
