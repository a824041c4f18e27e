// Where lading keeps temporary files that may be as big as an image's layers (the spool of
// a push with store=false, the shared layers of a bake run, a mirror's downloads in flight):
// $TMPDIR when it is set, else /var/tmp. /tmp is a tmpfs on many systems (Debian 13, Fedora,
// Arch), where a file takes memory until it is removed; /var/tmp stays on disk there, and
// podman and buildah keep their big temporary files in it for the same reason.
#pragma once

#include <filesystem>

namespace lading {

// $TMPDIR if set and not empty; else /var/tmp if it is a directory; else what
// std::filesystem::temp_directory_path() says.
std::filesystem::path big_file_directory();

}  // namespace lading
