#include "oci/windows_os_version.hpp"

#include <charconv>
#include <iterator>
#include <optional>

namespace lading {

namespace {

struct windows_version {
    unsigned major = 0, minor = 0, build = 0;
};

// "10.0.17763.5820" → {10, 0, 17763}: the revision after the build does not matter.
std::optional<windows_version> read_version(std::string_view text)
{
    windows_version v;
    unsigned* fields[] = {&v.major, &v.minor, &v.build};
    const unsigned limits[] = {255, 255, 65535};
    for (int i = 0; i < 3; ++i) {
        auto end = text.find('.');
        if (end == std::string_view::npos && i < 2) return std::nullopt;
        auto field = text.substr(0, end);
        auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), *fields[i]);
        if (ec != std::errc() || ptr != field.data() + field.size() || field.empty() || *fields[i] > limits[i])
            return std::nullopt;
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return v;
}

constexpr unsigned ltsc2022 = 20348;
// The LTSC releases whose images later releases run (stable ABI), oldest first.
constexpr unsigned stable_abi_ltsc[] = {ltsc2022, 26100};

}  // namespace

bool windows_runs_image(std::string_view host_text, std::string_view image_text)
{
    if (host_text.empty() || image_text.empty()) return true;
    const auto host = read_version(host_text);
    if (!host || (host->major == 0 && host->minor == 0 && host->build == 0)) return true;
    const auto image = read_version(image_text).value_or(windows_version{});
    if (host->major != image.major || host->minor != image.minor) return false;
    if (host->build < ltsc2022) return host->build == image.build;
    unsigned oldest = ltsc2022;
    for (auto it = std::rbegin(stable_abi_ltsc); it != std::rend(stable_abi_ltsc); ++it)
        if (host->build > *it) {
            oldest = *it;
            break;
        }
    return oldest <= image.build && image.build <= host->build;
}

}  // namespace lading
