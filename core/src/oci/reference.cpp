#include <lading/oci/digest.hpp>
#include <lading/error.hpp>
#include <lading/oci/reference.hpp>

namespace lading {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

[[noreturn]] void fail(std::string_view ref, const std::string& why)
{
    throw error("invalid image name \"" + std::string(ref) + "\": " + why);
}

// component := alnum+ (separator alnum+)* ; separator := '.' | '_' | '__' | '-'+
bool valid_component(std::string_view c)
{
    if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
    for (std::size_t i = 0; i < c.size();) {
        if (is_lower_alnum(c[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        if (c[i] == '.') j = i + 1;
        else if (c[i] == '_') j = (i + 1 < c.size() && c[i + 1] == '_') ? i + 2 : i + 1;
        else if (c[i] == '-') {
            while (j < c.size() && c[j] == '-') ++j;
        } else
            return false;
        if (j >= c.size() || !is_lower_alnum(c[j])) return false;
        i = j;
    }
    return true;
}

bool valid_domain(std::string_view d)
{
    if (d.empty()) return false;
    if (d.front() == '[') {  // IPv6 literal
        auto close = d.find(']');
        if (close == std::string_view::npos) return false;
        d = d.substr(close + 1);
        if (d.empty()) return true;
    } else {
        std::string_view host = d.substr(0, d.find(':'));
        if (host.empty()) return false;
        for (char c : host)
            if (!(is_lower_alnum(c) || is_upper(c) || c == '.' || c == '-')) return false;
        d = d.substr(host.size());
        if (d.empty()) return true;
    }
    if (d.front() != ':' || d.size() < 2 || d.size() > 6) return false;
    for (char c : d.substr(1))
        if (c < '0' || c > '9') return false;
    return true;
}

bool valid_tag(std::string_view t)
{
    if (t.empty() || t.size() > 128) return false;
    auto word = [](char c) { return is_lower_alnum(c) || is_upper(c) || c == '_'; };
    if (!word(t.front())) return false;
    for (char c : t)
        if (!(word(c) || c == '.' || c == '-')) return false;
    return true;
}

}  // namespace

std::string image_reference::name() const { return domain + "/" + repository; }

std::string image_reference::normalized() const
{
    std::string out = name();
    if (!tag.empty()) out += ":" + tag;
    else if (digest.empty()) out += ":latest";
    if (!digest.empty()) out += "@" + digest;
    return out;
}

image_reference parse_reference(std::string_view text)
{
    if (text.empty()) fail(text, "it is empty");
    if (text.size() > 4096) fail(text.substr(0, 64), "it is too long");
    image_reference ref;
    std::string_view rest = text;

    if (auto at = rest.find('@'); at != std::string_view::npos) {
        auto d = digest::parse(rest.substr(at + 1));
        if (!d) fail(text, "the part after '@' must be a sha256 digest (sha256: and 64 lowercase hex digits)");
        ref.digest = d->str();
        rest = rest.substr(0, at);
    }
    // A tag is after the last ':' that comes after the last '/'.
    auto slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        ref.tag = std::string(rest.substr(colon + 1));
        if (!valid_tag(ref.tag))
            fail(text, "tag \"" + ref.tag + "\" must be 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
        rest = rest.substr(0, colon);
    }
    if (rest.empty()) fail(text, "the repository name is missing");

    std::string_view path = rest;
    auto first_slash = rest.find('/');
    if (first_slash != std::string_view::npos) {
        auto first = rest.substr(0, first_slash);
        if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
            first == "localhost" || first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) {
            if (!valid_domain(first)) fail(text, "\"" + std::string(first) + "\" is not a valid registry host[:port]");
            ref.domain = std::string(first);
            path = rest.substr(first_slash + 1);
        }
    }
    if (ref.domain.empty()) ref.domain = "docker.io";
    if (ref.domain == "index.docker.io") ref.domain = "docker.io";

    std::size_t start = 0;
    for (;;) {
        auto end = path.find('/', start);
        auto component = path.substr(start, end == std::string_view::npos ? end : end - start);
        for (char c : component)
            if (is_upper(c)) fail(text, "repository name must be lowercase");
        if (component.find(':') != std::string_view::npos)
            fail(text, "':' may only separate the tag (or a registry port), as in name:tag");
        if (!valid_component(component))
            fail(text, component.empty() ? "empty path component"
                                         : "path component \"" + std::string(component) +
                                               "\" must be lowercase letters and digits separated by '.', '_', '__' or '-'");
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    ref.repository = std::string(path);
    if (ref.domain == "docker.io" && ref.repository.find('/') == std::string::npos)
        ref.repository = "library/" + ref.repository;
    if (ref.name().size() > 255) fail(text, "repository name must not be longer than 255 characters");
    return ref;
}

std::string reference_text(const std::string& name, const std::string& reference)
{
    return name + (reference.find(':') != std::string::npos ? "@" : ":") + reference;
}

}  // namespace lading
