// Reads manifests and blobs from one registry repository, synchronously, for callers that
// are not coroutines themselves (base image resolution). Verifies every digest.
#pragma once

#include <lading/oci/descriptor.hpp>
#include "registry/http_types.hpp"
#include "registry/session.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace lading::registry {

struct fetched_manifest {
    std::string bytes;
    std::string media_type;
    lading::digest digest;
};

class reader {
public:
    reader(std::string host, std::string repository, session_options options);
    ~reader();

    // By tag or digest; a digest reference is checked against the bytes received.
    fetched_manifest manifest(const std::string& reference);
    // Streams the blob to `consume`, then checks its size and digest.
    void blob(const descriptor& d, const body_consumer& consume);

    const std::string& host() const { return host_; }
    const std::string& repository() const { return repository_; }

private:
    template <class T>
    T run(boost::asio::awaitable<T> work);

    std::string host_, repository_;
    boost::asio::io_context io_;
    std::unique_ptr<session> session_;
    bool pinged_ = false;
};

}  // namespace lading::registry
