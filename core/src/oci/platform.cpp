#include <lading/error.hpp>
#include <lading/oci/platform.hpp>

#include <sys/utsname.h>

namespace lading {

namespace {
std::string lower(std::string s)
{
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
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
    return platform{parts[0], parts[1], parts[2]}.normalized();
}

platform platform::host()
{
    utsname u{};
    uname(&u);
    return platform{"linux", u.machine, ""}.normalized();
}

platform platform::normalized() const
{
    platform p{lower(os), lower(architecture), lower(variant)};
    auto& arch = p.architecture;
    auto& v = p.variant;
    if (p.os == "macos") p.os = "darwin";
    if (arch == "x86_64" || arch == "x86-64") arch = "amd64";
    else if (arch == "aarch64") arch = "arm64";
    else if (arch == "i386" || arch == "i686") {
        arch = "386";
        v.clear();
    } else if (arch == "armhf") {
        arch = "arm";
        v = "v7";
    } else if (arch == "armel") {
        arch = "arm";
        v = "v6";
    } else if (arch.size() >= 5 && arch.starts_with("armv") && arch[4] >= '5' && arch[4] <= '8') {
        // uname's names for 32-bit ARM: armv5tel, armv6l, armv7l, armv8l.
        v = std::string("v") + arch[4];
        arch = "arm";
    }
    if (arch == "amd64" && v == "v1") v.clear();
    if (arch == "arm64" && (v == "8" || v == "v8")) v.clear();
    if (arch == "arm") {
        if (v.empty() || v == "7") v = "v7";
        else if (v == "5" || v == "6" || v == "8") v = "v" + v;
    }
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
