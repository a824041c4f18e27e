// Checks and writes manifests in one registry repository, synchronously (each call runs the
// registry session on the writer's own io_context in the calling thread).
#pragma once

#include <lading/oci/digest.hpp>
#include "registry/session.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <stop_token>
#include <string>

namespace lading::imagetools {

class manifest_writer {
public:
    manifest_writer(std::string host, std::string repository, registry::session_options options, std::stop_token stop);
    ~manifest_writer();

    // True when the repository serves the manifest `d` (HEAD by digest).
    bool has_manifest(const digest& d);
    // PUT under `reference` (a tag or the digest); the registry's digest must be `d`.
    void put_manifest(const std::string& reference, const std::string& bytes, const std::string& media_type,
                      const digest& d);

    std::string name() const { return host_ + "/" + repository_; }

private:
    std::string host_, repository_;
    std::stop_token stop_;
    boost::asio::io_context io_;
    std::unique_ptr<registry::session> session_;
    bool pinged_ = false;
};

}  // namespace lading::imagetools
