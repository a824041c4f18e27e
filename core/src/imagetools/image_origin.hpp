// Where the images merged by `lading imagetools create` are read: a registry repository, an
// OCI layout, or the local store. Manifests are checked against their digests.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/plugin/store.hpp>
#include "registry/reader.hpp"

#include <memory>
#include <string>

namespace lading::imagetools {

class image_origin {
public:
    // A registry repository.
    image_origin(const std::string& host, const std::string& repository, registry::session_options options,
                 std::stop_token stop);
    // A store (the local store, or an OCI layout opened read-only) holding every blob.
    image_origin(std::shared_ptr<plugin::store> store, std::string label);

    // By tag, store name or digest; the media type is the document's own when it names one.
    registry::fetched_manifest manifest(const std::string& reference);
    // A small blob (a config), checked against its descriptor.
    std::string small_blob(const descriptor& d);
    // A registry origin's blob as it downloads (each call downloads it again, on a connection
    // of its own); the size and digest are checked at its end.
    std::unique_ptr<byte_source> stream_blob(const descriptor& d) const;

    const std::string& label() const { return label_; }
    bool is_registry() const { return reader_ != nullptr; }
    plugin::store* store() const { return store_.get(); }
    const std::string& host() const { return host_; }
    const std::string& repository() const { return repository_; }

private:
    std::string label_, host_, repository_;
    registry::session_options options_;
    std::stop_token stop_;
    std::unique_ptr<registry::reader> reader_;
    std::shared_ptr<plugin::store> store_;
};

}  // namespace lading::imagetools
