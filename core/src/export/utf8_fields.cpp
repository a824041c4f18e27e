#include "export/utf8_fields.hpp"

#include "text/utf8.hpp"

namespace lading {

namespace {

void check(const std::string& value, const std::string& what) { text::require_utf8(value, what, "image documents are JSON"); }

void check_all(const std::vector<std::string>& values, const std::string& what)
{
    for (std::size_t i = 0; i < values.size(); ++i) check(values[i], what + " (item " + std::to_string(i + 1) + ")");
}

// The part of a K=V entry that is safe to show: its key, when that is UTF-8.
std::string shown_key(const std::string& entry)
{
    auto key = entry.substr(0, entry.find('='));
    return text::first_invalid_utf8(key) ? std::string("?") : key;
}

}  // namespace

void check_utf8_fields(const export_request& request)
{
    const auto& s = request.settings;
    if (s.entrypoint) check_all(*s.entrypoint, "--entrypoint");
    if (s.cmd) check_all(*s.cmd, "--cmd");
    for (const auto& kv : s.env) check(kv, "--env " + shown_key(kv));
    if (s.workdir) check(*s.workdir, "--workdir");
    if (s.user) check(*s.user, "--user");
    for (const auto& [k, v] : s.labels) {
        check(k, "a --label key");
        check(v, "--label " + k);
    }
    for (const auto& spec : request.outputs)
        for (const auto& [k, v] : spec.annotations) {
            check(k, "invalid --output: an annotation key");
            check(v, "invalid --output: " + k);
        }
}

}  // namespace lading
