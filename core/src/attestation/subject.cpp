#include "attestation/subject.hpp"
#include <lading/oci/reference.hpp>

#include "registry/percent_encode.hpp"

#include <algorithm>

namespace lading::attestation {

namespace {

// purls keep ':' as it is (a registry port in the namespace, the digest qualifier).
std::string purl_escape(std::string_view text) { return percent_encode(text, ":"); }

// "alpine" for docker.io/library/alpine, "user/app" for docker.io/user/app, else host/path.
std::string familiar_name(const image_reference& ref)
{
    if (ref.domain != "docker.io") return ref.domain + "/" + ref.repository;
    const std::string library = "library/";
    if (ref.repository.starts_with(library) && ref.repository.find('/', library.size()) == std::string::npos)
        return ref.repository.substr(library.size());
    return ref.repository;
}

}  // namespace

std::string image_purl(const std::string& name, const platform& p)
{
    auto ref = parse_reference(name);
    auto path = familiar_name(ref);
    std::string purl = "pkg:docker/";
    // Each namespace segment and the name are escaped on their own; the slashes stay.
    std::size_t start = 0;
    for (;;) {
        auto slash = path.find('/', start);
        purl += purl_escape(std::string_view(path).substr(start, slash == std::string::npos ? slash : slash - start));
        if (slash == std::string::npos) break;
        purl += '/';
        start = slash + 1;
    }
    if (!ref.tag.empty()) purl += "@" + purl_escape(ref.tag);
    else if (ref.digest.empty()) purl += "@latest";
    // Qualifiers are sorted by key: digest, then platform.
    std::string qualifiers;
    if (!ref.digest.empty()) qualifiers += "digest=" + purl_escape(ref.digest);
    qualifiers += (qualifiers.empty() ? "" : "&") + std::string("platform=") + purl_escape(p.str());
    return purl + "?" + qualifiers;
}

std::vector<subject> image_subjects(const std::vector<std::string>& names, const platform& p, const digest& manifest)
{
    std::vector<subject> subjects;
    for (const auto& name : names) {
        auto purl = image_purl(name, p);
        if (std::none_of(subjects.begin(), subjects.end(), [&](const subject& s) { return s.name == purl; }))
            subjects.push_back({std::move(purl), manifest});
    }
    if (subjects.empty()) subjects.push_back({"_", manifest});
    return subjects;
}

}  // namespace lading::attestation
