// `store check` of the root filesystems unpack=true leaves in an oci-layout store, at
// <store>/unpacked/sha256/<manifest hex>/rootfs: the area must stay private to the store's
// owner and hold nothing but those trees and the temporaries of unpacks under way or killed.
// Reads only: a temporary's lock is tried, never kept, and nothing is followed or changed.
#pragma once

#include <lading/oci/digest.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace lading {

struct unpacked_area_findings {
    std::function<void(std::string)> fault;
    std::function<void(std::string)> note;       // worth knowing, not wrong
    std::function<void(std::string)> temporary;  // an unpack's staging directory
    // Why the store's blob `manifest` is not one a root filesystem can be unpacked from,
    // or nothing when it is.
    std::function<std::optional<std::string>(const digest& manifest)> manifest_problem;
};

// Checks <store_root>/unpacked; returns how many root filesystems it holds.
std::size_t check_unpacked_area(const std::filesystem::path& store_root, const unpacked_area_findings& findings);

}  // namespace lading
