#include <lading/error.hpp>
#include <lading/oci/platform.hpp>

#include <sys/utsname.h>

namespace lading {

namespace {
std::string normalize_arch(std::string arch, std::string& variant)
{
    if (arch == "x86_64" || arch == "x86-64") return "amd64";
    if (arch == "aarch64") arch = "arm64";
    if (arch == "arm64" && variant == "v8") variant.clear();
    if (arch == "armhf") {
        variant = variant.empty() ? "v7" : variant;
        return "arm";
    }
    if (arch == "i386" || arch == "i686") return "386";
    return arch;
}

bool valid_word(std::string_view w)
{
    if (w.empty()) return false;
    for (char c : w)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return false;
    return true;
}
}  // namespace

platform platform::parse(std::string_view text)
{
    platform p;
    std::string parts[3];
    int n = 0;
    std::size_t start = 0;
    for (;;) {
        auto slash = text.find('/', start);
        if (n == 3) throw usage_error("invalid platform \"" + std::string(text) + "\": expected OS/ARCH[/VARIANT]");
        parts[n++] = std::string(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (n < 2 || !valid_word(parts[0]) || !valid_word(parts[1]) || (n == 3 && !valid_word(parts[2])))
        throw usage_error("invalid platform \"" + std::string(text) + "\": expected OS/ARCH[/VARIANT], e.g. linux/amd64");
    p.os = parts[0];
    p.variant = parts[2];
    p.architecture = normalize_arch(parts[1], p.variant);
    return p;
}

platform platform::host()
{
    utsname u{};
    uname(&u);
    platform p{"linux", "", ""};
    p.architecture = normalize_arch(u.machine, p.variant);
    return p;
}

std::string platform::str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

boost::json::object platform::to_json() const
{
    boost::json::object o;
    o["architecture"] = architecture;
    o["os"] = os;
    if (!variant.empty()) o["variant"] = variant;
    return o;
}

}  // namespace lading
