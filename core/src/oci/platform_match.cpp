#include <lading/oci/platform.hpp>

#include "oci/windows_os_version.hpp"

#include <algorithm>

namespace lading {

bool platform::matches(const platform& candidate) const
{
    const auto wanted = normalized();
    auto offered = candidate.normalized();
    if (wanted.os != offered.os || wanted.architecture != offered.architecture || wanted.variant != offered.variant)
        return false;
    if (wanted.os == "windows") {
        if (!windows_runs_image(wanted.os_version, offered.os_version)) return false;
        // Images were matched without regard to win32k before it became an os.features value.
        std::erase(offered.os_features, "win32k");
    }
    return std::includes(wanted.os_features.begin(), wanted.os_features.end(), offered.os_features.begin(),
                         offered.os_features.end());
}

}  // namespace lading
