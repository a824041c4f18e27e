#include <lading/error.hpp>
#include <lading/oci/platform.hpp>
#include "registry/percent_encode.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <optional>

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

// Characters of an os.version or os.features item in platform text (containerd's set).
bool valid_option(std::string_view v)
{
    for (char c : v)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == '%'))
            return false;
    return true;
}

std::string percent_encoded(std::string_view v)
{
    std::string out;
    for (char c : v) {
        if (c == '%' || c == '+' || c == '(' || c == ')' || c == '/') {
            static constexpr char digits[] = "0123456789ABCDEF";
            out += '%';
            out += digits[static_cast<unsigned char>(c) >> 4];
            out += digits[static_cast<unsigned char>(c) & 15];
        } else {
            out += c;
        }
    }
    return out;
}

// The OS part of a platform text: "windows", "windows(10.0.17763)", "windows(10.0.17763+win32k)";
// '%', '+', '(', ')' and '/' inside the parentheses are percent-encoded, as containerd writes them.
void parse_os_part(std::string_view text, std::string_view part, platform& p)
{
    auto bad_options = [&] {
        return usage_error("invalid platform \"" + std::string(text) +
                           "\": expected OS(VERSION[+FEATURE]...)/ARCH, e.g. windows(10.0.17763)/amd64");
    };
    auto open = part.find('(');
    p.os = std::string(part.substr(0, open));
    if (open == std::string_view::npos) return;
    if (!part.ends_with(')')) throw bad_options();
    auto options = part.substr(open + 1, part.size() - open - 2);
    auto plus = options.find('+');
    auto decoded = [&](std::string_view v) {
        auto out = percent_decode(v);
        if (!out || !valid_option(v)) throw bad_options();
        return *out;
    };
    p.os_version = decoded(options.substr(0, plus));
    while (plus != std::string_view::npos) {
        auto next = options.find('+', plus + 1);
        auto feature = options.substr(plus + 1, next == std::string_view::npos ? next : next - plus - 1);
        if (feature.empty()) throw bad_options();
        p.os_features.push_back(decoded(feature));
        plus = next;
    }
}

}  // namespace

platform platform::parse(std::string_view text)
{
    std::string_view parts[3];
    int n = 0;
    std::size_t start = 0;
    for (;;) {
        auto slash = text.find('/', start);
        if (n == 3) throw usage_error("invalid platform \"" + std::string(text) + "\": expected OS/ARCH[/VARIANT]");
        parts[n++] = text.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    platform p;
    if (n >= 2) parse_os_part(text, parts[0], p);
    if (n < 2 || !valid_word(p.os) || !valid_word(parts[1]) || (n == 3 && !valid_word(parts[2])))
        throw usage_error("invalid platform \"" + std::string(text) + "\": expected OS/ARCH[/VARIANT], e.g. linux/amd64");
    p.architecture = std::string(parts[1]);
    p.variant = std::string(parts[2]);
    return p.normalized();
}

platform platform::host()
{
    utsname u{};
    uname(&u);
    return platform{"linux", u.machine, ""}.normalized();
}

platform platform::normalized() const
{
    platform p{lower(os), lower(architecture), lower(variant), os_version, os_features};
    std::sort(p.os_features.begin(), p.os_features.end());
    p.os_features.erase(std::unique(p.os_features.begin(), p.os_features.end()), p.os_features.end());
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
    if (arch == "arm64" && (v == "8" || v == "v8" || v == "v8.0")) v.clear();
    if (arch == "arm64" && (v == "9" || v == "9.0" || v == "v9.0")) v = "v9";
    if (arch == "arm") {
        if (v.empty() || v == "7") v = "v7";
        else if (v == "5" || v == "6" || v == "8") v = "v" + v;
    }
    return p;
}

std::string platform::str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

std::string platform::full_str() const
{
    if (os_version.empty() && os_features.empty()) return str();
    std::string options = percent_encoded(os_version);
    for (const auto& f : os_features) options += "+" + percent_encoded(f);
    return os + "(" + options + ")/" + architecture + (variant.empty() ? "" : "/" + variant);
}

boost::json::object platform::to_json() const
{
    boost::json::object o;
    o["architecture"] = architecture;
    o["os"] = os;
    if (!os_version.empty()) o["os.version"] = os_version;
    if (!os_features.empty()) {
        boost::json::array features;
        for (const auto& f : os_features) features.emplace_back(f);
        o["os.features"] = std::move(features);
    }
    if (!variant.empty()) o["variant"] = variant;
    return o;
}

platform platform::from_json(const boost::json::object& o, const std::string& what)
{
    auto text = [&](const char* key) {
        auto* f = o.if_contains(key);
        return f && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    platform p{text("os"), text("architecture"), text("variant")};
    if (auto* v = o.if_contains("os.version"); v && !v->is_null()) {
        if (!v->is_string()) throw error(what + " has an os.version that is not a string");
        p.os_version = std::string(v->get_string());
    }
    if (auto* f = o.if_contains("os.features"); f && !f->is_null()) {
        auto bad = [&] { return error(what + " has an os.features that is not a list of strings"); };
        if (!f->is_array()) throw bad();
        for (const auto& feature : f->get_array()) {
            if (!feature.is_string()) throw bad();
            p.os_features.emplace_back(feature.get_string());
        }
    }
    return p;
}

}  // namespace lading
