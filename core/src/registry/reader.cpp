#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/oci/reference.hpp>
#include <lading/registry/errc.hpp>
#include "registry/manifest_accept.hpp"
#include "registry/reader.hpp"

namespace lading::registry {

namespace asio = boost::asio;

reader::reader(std::string host, std::string repository, session_options options, std::stop_token stop)
    : host_(std::move(host)), repository_(std::move(repository)), stop_(std::move(stop))
{
    session_ = std::make_unique<session>(io_.get_executor(), host_, options);
}

reader::~reader() = default;

fetched_manifest reader::manifest(const std::string& reference)
{
    auto work = [this, reference]() -> asio::awaitable<fetched_manifest> {
        if (!pinged_) {
            co_await session_->ping();
            pinged_ = true;
        }
        request_spec spec;
        spec.target = "/v2/" + repository_ + "/manifests/" + reference;
        spec.headers.set(http::field::accept, manifest_accept);
        spec.scopes = {"repository:" + repository_ + ":pull"};
        spec.expected = {200};
        spec.what = "manifest " + reference_text(host_ + "/" + repository_, reference);
        auto r = co_await session_->send(spec);
        fetched_manifest m{r.body, r.header(http::field::content_type), digest::of(r.body)};
        if (auto wanted = digest::parse(reference); wanted && *wanted != m.digest)
            throw error(errc::protocol_violation, spec.what + " does not match its digest (got " + m.digest.str() + ")");
        // Reached by a tag, the body must still be the manifest the registry names.
        if (auto named = digest::parse(r.header("Docker-Content-Digest")); named && *named != m.digest)
            throw error(errc::protocol_violation, spec.what + " does not match the digest the registry gives for it (" +
                                                      named->str() + ", got " + m.digest.str() + ")");
        co_return m;
    };
    return async::run_blocking(io_, work(), stop_);
}

void reader::blob(const descriptor& d, const body_consumer& consume)
{
    auto work = [this, &d, &consume]() -> asio::awaitable<int> {
        if (!pinged_) {
            co_await session_->ping();
            pinged_ = true;
        }
        // A download that breaks off is retried from the start; the bytes an earlier attempt
        // already passed on are skipped, so `consume` sees the blob exactly once.
        sha256_hasher hash;
        std::uint64_t delivered = 0, position = 0;
        body_consumer hashing = [&](const std::uint8_t* p, std::size_t n) {
            const std::uint64_t end = position + n;
            // Not a network fault, so not retried: the registry sends more than the digest holds.
            if (end > d.size)
                throw error("the answer is longer than the blob's " + std::to_string(d.size) + " bytes");
            if (end > delivered) {
                const auto skip = static_cast<std::size_t>(delivered > position ? delivered - position : 0);
                hash.update(std::span(p + skip, n - skip));
                consume(p + skip, n - skip);
                delivered = end;
            }
            position = end;
        };
        std::function<void()> restart = [&] { position = 0; };
        request_spec spec;
        spec.target = "/v2/" + repository_ + "/blobs/" + d.digest.str();
        spec.scopes = {"repository:" + repository_ + ":pull"};
        spec.expected = {200};
        spec.what = "blob " + d.digest.str() + " of " + host_ + "/" + repository_;
        spec.consume = &hashing;
        spec.on_attempt = &restart;
        co_await session_->send(spec);
        auto size = hash.bytes();
        if (size != d.size || hash.finish() != d.digest)
            throw error(errc::protocol_violation,
                        spec.what + " arrived with other content than its digest says (" + std::to_string(size) + " bytes)");
        co_return 0;
    };
    async::run_blocking(io_, work(), stop_);
}

}  // namespace lading::registry
