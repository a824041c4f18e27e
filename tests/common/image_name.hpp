// Docker-style name normalisation, as containerd and `io.containerd.image.name` spell names:
// "app:1" -> "docker.io/library/app:1", "user/app" -> "docker.io/user/app:latest",
// "127.0.0.1:5000/x:1" unchanged. Enough for test names; not a full reference parser.
#pragma once

#include <string>
#include <string_view>

namespace lading::test {

std::string normalize_image_name(std::string_view name);

// True when `listed` is `given` or its normalised form.
bool same_image_name(std::string_view listed, std::string_view given);

}  // namespace lading::test
