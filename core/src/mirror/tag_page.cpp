#include "mirror/tag_page.hpp"
#include "mirror/route.hpp"
#include "registry/url.hpp"

#include <algorithm>

namespace lading::mirror {

tag_page page_of_tags(std::vector<std::string> tags, std::optional<std::size_t> n, const std::string& last,
                      const std::string& link_path, const std::optional<std::string>& ns)
{
    // An upstream's list may hold anything; only names that can be tags are passed on.
    std::erase_if(tags, [](const std::string& t) { return !valid_tag(t); });
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    auto begin = last.empty() ? tags.begin() : std::upper_bound(tags.begin(), tags.end(), last);
    tag_page page;
    auto end = tags.end();
    if (n && static_cast<std::size_t>(end - begin) > *n) end = begin + static_cast<std::ptrdiff_t>(*n);
    page.tags.assign(begin, end);
    if (end != tags.end() && !page.tags.empty())
        page.link = "<" + link_path + "?" + (ns ? "ns=" + registry::query_escape(*ns) + "&" : "") +
                    "n=" + std::to_string(*n) + "&last=" + registry::query_escape(page.tags.back()) + ">; rel=\"next\"";
    return page;
}

}  // namespace lading::mirror
