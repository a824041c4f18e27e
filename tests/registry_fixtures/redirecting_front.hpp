// A reverse proxy in front of a plain-HTTP registry that behaves like a registry whose
// storage redirects downloads (S3/GCS-backed distribution): every request is forwarded
// unchanged (Host and Authorization included, so the registry still checks credentials and
// builds Location URLs that point at the front), except `GET|HEAD /v2/<name>/blobs/<digest>`:
// the front fetches the blob from the registry with the client's headers and, if that gives
// 200, answers 307 with Location http(s)://127.0.0.1:<blob host port>/blob/<digest>, where a
// recording_server serves the bytes. Another port is another origin: a client must not send
// the registry's Authorization there. Non-200 answers are passed back unchanged.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "registry_fixtures/header_recorder.hpp"
#include "registry_fixtures/http_server.hpp"
#include "registry_fixtures/recording_server.hpp"

namespace lading::test {

struct redirecting_front_options {
    std::optional<tls_files> tls{};  // serve the front and the blob host over HTTPS
    bool redirect_head = true;       // HEAD of a blob is redirected too, as 2.8 does with redirects on
    unsigned redirect_status = 307;
    std::chrono::seconds upstream_timeout{30};
};

class redirecting_front {
public:
    redirecting_front(std::string registry_host, std::uint16_t registry_port,
                      redirecting_front_options options = {});
    ~redirecting_front();

    std::uint16_t port() const { return server_.port(); }
    std::string address() const { return server_.address(); }  // push to <address>/name:tag
    std::string base_url() const { return server_.base_url(); }

    recording_server& blob_host() { return blob_host_; }
    // Requests the front itself received (headers included).
    const header_recorder& recorder() const { return recorder_; }
    std::size_t redirects() const { return redirects_.load(); }

private:
    boost::asio::awaitable<http_response> handle(http_request req);

    std::string registry_host_;
    std::uint16_t registry_port_;
    redirecting_front_options options_;
    header_recorder recorder_;
    std::atomic<std::size_t> redirects_{0};
    recording_server blob_host_;
    http_server server_;  // last: stopped first
};

}  // namespace lading::test
