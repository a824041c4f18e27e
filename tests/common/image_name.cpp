#include "image_name.hpp"

namespace lading::test {

std::string normalize_image_name(std::string_view name) {
    std::string n(name);
    std::string domain, rest;
    auto slash = n.find('/');
    if (slash == std::string::npos) {
        domain = "docker.io";
        rest = "library/" + n;
    } else {
        std::string first = n.substr(0, slash);
        if (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
            first == "localhost") {
            domain = first;
            rest = n.substr(slash + 1);
        } else {
            domain = "docker.io";
            rest = n;
        }
    }
    // Add ":latest" when there is neither a tag nor a digest.
    auto at = rest.find('@');
    auto last_slash = rest.rfind('/');
    auto colon = rest.find(':', last_slash == std::string::npos ? 0 : last_slash);
    if (at == std::string::npos && colon == std::string::npos) rest += ":latest";
    return domain + "/" + rest;
}

bool same_image_name(std::string_view listed, std::string_view given) {
    return listed == given || listed == normalize_image_name(given);
}

}  // namespace lading::test
