// What `lading imagetools create` is asked to merge: sources as the user names them, and the
// sources that metadata files written by `lading export` / `lading bake` point at.
#pragma once

#include <lading/oci/reference.hpp>

#include <string>
#include <vector>

namespace lading::imagetools {

enum class source_kind {
    registry,  // REG/REPO:TAG or REG/REPO@sha256:...
    layout,    // oci-layout://DIR:TAG or oci-layout://DIR@sha256:...
    store,     // a name held by the local store
};

struct source_reference {
    source_kind kind = source_kind::registry;
    std::string text;        // as the user gave it, for messages
    image_reference image;   // registry: where and which tag or digest
    std::string layout_dir;  // layout: the directory
    std::string reference;   // layout: the tag or digest; store: the name
};

// Parses an oci-layout:// source or a registry reference (store names are told apart by the
// caller, which can look in the store). Throws usage_error on malformed text.
source_reference parse_source(const std::string& text);

// The image each metadata file entry names: its first image.name at containerimage.digest,
// in that registry; when lading.pushed says it was not pushed, another output of the export
// that pushed it, else the store (by digest) and then the registry.
// A file is one export's keys, or an object keyed by bake target with those keys each; an
// entry carrying lading.error (a failed bake target) is an error. Throws lading::error.
std::vector<source_reference> sources_from_metadata_text(const std::string& text, const std::string& file);
std::vector<source_reference> sources_from_metadata_file(const std::string& path);

}  // namespace lading::imagetools
