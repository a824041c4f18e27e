// Which read endpoint of the distribution spec a request target names, and for which upstream
// (containerd's `?ns=HOST`, or a `/v2/HOST/REPO/...` path prefix). Sans-I/O.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lading::mirror {

enum class endpoint { base, manifest, blob, tags, referrers, metrics };

struct route {
    endpoint kind = endpoint::base;
    std::string upstream;    // a configured upstream name; empty: the default upstream
    std::string repository;  // as the upstream knows it (prefix removed)
    std::string reference;   // tag or digest (manifest), digest (blob, referrers)
    std::map<std::string, std::string> query;  // decoded parameters
};

enum class route_problem { not_found, name_invalid, reference_invalid, digest_invalid, upstream_unknown };

struct route_result {
    std::optional<route> found;
    route_problem problem = route_problem::not_found;
};

// `is_upstream` says whether a first path component (or an ns value) names a configured
// upstream. An ns= that names none is upstream_unknown (docker.io also selects an upstream
// named registry-1.docker.io or index.docker.io).
route_result parse_route(std::string_view target, const std::function<bool(std::string_view)>& is_upstream);

bool valid_repository(std::string_view name);
bool valid_tag(std::string_view tag);

}  // namespace lading::mirror
