// A repository that an export sends blobs to outside the push proper (a layer streamed while
// it is built, a check whether the repository holds a layer already), and the options of a
// session that does it.
#pragma once

#include <lading/host_config.hpp>
#include <lading/registry/greetings.hpp>

#include <memory>
#include <string>

namespace lading::registry {

struct session_options;  // registry/session.hpp

struct upload_target {
    std::string domain;      // the registry host, "127.0.0.1:5000"
    std::string repository;  // "library/app"
    bool insecure = false;   // registry.insecure of the output
    const host_config* hosts = nullptr;
    std::shared_ptr<greetings> greeted;  // shared with the export's other sessions, or none
};

// options_for the target's registry, with the target's greetings.
session_options options_for(const upload_target& target);

}  // namespace lading::registry
