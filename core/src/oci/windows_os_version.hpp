// Which Windows container images a Windows release runs, by os.version.
#pragma once

#include <string_view>

namespace lading {

// Whether a host (or a requested platform) at os.version `host` runs an image built for
// `image`, by Microsoft's rule as containerd applies it: the same major and minor version,
// and the same build before Windows Server 2022; from it on, any build from the previous
// LTSC release up to the host's own. Either version empty (or `host` unreadable) matches.
bool windows_runs_image(std::string_view host, std::string_view image);

}  // namespace lading
