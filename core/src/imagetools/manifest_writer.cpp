#include "imagetools/manifest_writer.hpp"
#include "registry/manifest_accept.hpp"

#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/oci/reference.hpp>
#include <lading/registry/errc.hpp>

namespace lading::imagetools {

namespace asio = boost::asio;
namespace http = registry::http;

manifest_writer::manifest_writer(std::string host, std::string repository, registry::session_options options,
                                 std::stop_token stop)
    : host_(std::move(host)), repository_(std::move(repository)), stop_(std::move(stop))
{
    session_ = std::make_unique<registry::session>(io_.get_executor(), host_, std::move(options));
}

manifest_writer::~manifest_writer() = default;

bool manifest_writer::has_manifest(const digest& d)
{
    auto work = [this, &d]() -> asio::awaitable<bool> {
        if (!pinged_) {
            co_await session_->ping();
            pinged_ = true;
        }
        registry::request_spec head;
        head.method = http::verb::head;
        head.target = "/v2/" + repository_ + "/manifests/" + d.str();
        head.headers.set(http::field::accept, registry::manifest_accept);
        head.scopes = {"repository:" + repository_ + ":pull,push"};
        head.expected = {200, 404};
        head.what = "manifest " + name() + "@" + d.str();
        auto r = co_await session_->send(head);
        co_return r.status == 200;
    };
    return async::run_blocking(io_, work(), stop_);
}

void manifest_writer::put_manifest(const std::string& reference, const std::string& bytes,
                                   const std::string& media_type, const digest& d)
{
    auto work = [&]() -> asio::awaitable<int> {
        if (!pinged_) {
            co_await session_->ping();
            pinged_ = true;
        }
        registry::request_body body;
        body.size = bytes.size();
        body.content_type = media_type;
        body.open = [&bytes] {
            return std::make_unique<memory_source>(
                std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        };
        registry::request_spec put;
        put.method = http::verb::put;
        put.target = "/v2/" + repository_ + "/manifests/" + reference;
        put.body = &body;
        put.scopes = {"repository:" + repository_ + ":pull,push"};
        put.expected = {201, 200};
        put.what = "manifest " + reference_text(name(), reference);
        auto r = co_await session_->send(put);
        auto echoed = r.header("Docker-Content-Digest");
        if (!echoed.empty() && echoed != d.str())
            throw error(registry::errc::protocol_violation,
                        "registry " + host_ + " computed " + echoed + " for manifest " + d.str());
        co_return 0;
    };
    async::run_blocking(io_, work(), stop_);
}

}  // namespace lading::imagetools
