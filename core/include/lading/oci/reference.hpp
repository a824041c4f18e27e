// Image references with docker's grammar and normalisation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lading {

struct image_reference {
    std::string domain;      // "docker.io", "127.0.0.1:5000"
    std::string repository;  // "library/app"
    std::string tag;         // empty when none was given
    std::string digest;      // "sha256:..." or empty

    // "docker.io/library/app:latest" style: domain, repository, tag (":latest" when neither
    // tag nor digest was given) and digest.
    std::string normalized() const;
    // domain/repository only.
    std::string name() const;
};

// NAME:TAG, or NAME@DIGEST when `reference` is a digest: how a manifest is named in messages.
std::string reference_text(const std::string& name, const std::string& reference);

// Parses `text` (e.g. "app:1", "127.0.0.1:5000/team/app@sha256:..."). Throws lading::error
// with a message that says what is wrong with the reference.
image_reference parse_reference(std::string_view text);

}  // namespace lading
