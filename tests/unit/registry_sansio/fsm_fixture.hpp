// Builds the inputs of the registry state machines for tests: settings for a registry host,
// responses with headers, request specs.
#pragma once

#include "registry/http_types.hpp"
#include "registry/session.hpp"

#include "registry/sansio/action.hpp"
#include "registry/sansio/registry_settings.hpp"

#include <initializer_list>
#include <string>
#include <utility>

namespace lading::test {

inline registry::sansio::registry_settings settings_for(const std::string& host)
{
    registry::sansio::registry_settings s;
    s.host = host;
    s.base = registry::url::parse("https://" + host + "/");
    return s;
}

inline registry::http_response response(unsigned status,
                                        std::initializer_list<std::pair<std::string, std::string>> headers = {},
                                        std::string body = {})
{
    registry::http_response r;
    r.status = status;
    for (const auto& [name, value] : headers) r.headers.set(name, value);
    r.body = std::move(body);
    return r;
}

inline registry::request_spec get_manifest(std::vector<unsigned> expected = {200})
{
    registry::request_spec spec;
    spec.target = "/v2/app/manifests/1";
    spec.scopes = {"repository:app:pull"};
    spec.expected = std::move(expected);
    spec.what = "manifest app:1";
    return spec;
}

using action_kind = registry::sansio::action::kind;

}  // namespace lading::test
