// The image configuration (the "config" blob): runtime settings, rootfs diffIDs, history.
#pragma once

#include <lading/oci/digest.hpp>
#include <lading/oci/platform.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading {

struct image_settings {
    lading::platform platform;
    // Unset keeps what a base image has; set empty, clears it (the command line clears only the
    // entrypoint and command so, as `docker run --entrypoint ''`; an empty user or workdir
    // there keeps the base's, as docker's does).
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::vector<std::string>> cmd;
    std::vector<std::string> env;  // K=V, later ones override earlier ones with the same K
    std::optional<std::string> workdir;
    std::optional<std::string> user;
    std::map<std::string, std::string> labels;
};

struct layer_history {
    std::string created_by;
    std::string comment;
};

// created: seconds since the epoch written as the config's and history's "created".
boost::json::object build_image_config(const image_settings& settings, const std::vector<digest>& diff_ids,
                                       const std::vector<layer_history>& history, std::int64_t created);

std::string rfc3339_utc(std::int64_t seconds);

}  // namespace lading
