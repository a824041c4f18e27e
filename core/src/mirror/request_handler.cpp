#include "mirror/request_handler.hpp"

#include "mirror/byte_range.hpp"
#include "mirror/tag_page.hpp"
#include "registry/url.hpp"

#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>
#include <lading/registry/errc.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace lading::mirror {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr const char* empty_index =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";

std::string without_query(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

}  // namespace

request_handler::request_handler(std::map<std::string, std::unique_ptr<upstream>>& upstreams, upstream& fallback,
                                 blob_cache& blobs, manifest_cache& manifests, repository_holdings& holdings,
                                 mirror_metrics& metrics, htpasswd_file* users, variant_tags* variants)
    : upstreams_(upstreams), fallback_(fallback), blobs_(blobs), manifests_(manifests), holdings_(holdings),
      metrics_(metrics), users_(users), variants_(variants)
{
}

reply request_handler::failure(const std::exception_ptr& e, endpoint kind)
{
    try {
        std::rethrow_exception(e);
    } catch (const registry::registry_error& x) {
        if (x.status() == 404) {
            if (kind == endpoint::blob) return error_reply("BLOB_UNKNOWN", "blob unknown to registry", x.what());
            if (kind == endpoint::manifest) return error_reply("MANIFEST_UNKNOWN", "manifest unknown", x.what());
            return error_reply("NAME_UNKNOWN", "repository name not known to registry", x.what());
        }
        if (x.status() == 401 || x.status() == 403) return error_reply("DENIED", "the upstream refused access", x.what());
        if (x.status() == 429) return error_reply("TOOMANYREQUESTS", "the upstream asks to slow down", x.what());
        return error_reply("UNAVAILABLE", "the upstream did not answer", x.what());
    } catch (const lading::error& x) {
        // The session turns an upstream's 401 into these once its credentials (or their lack) are refused.
        if (x.code() == registry::errc::credentials_required || x.code() == registry::errc::authentication_failed)
            return error_reply("DENIED", "the upstream refused access", x.what());
        return error_reply("UNAVAILABLE", "the upstream did not answer", x.what());
    } catch (const std::exception& x) {
        return error_reply("UNAVAILABLE", "the upstream did not answer", x.what());
    }
}

asio::awaitable<reply> request_handler::handle(const request_head& req)
{
    if (req.method() != http::verb::get && req.method() != http::verb::head)
        co_return error_reply("UNSUPPORTED", "this mirror is read-only");
    if (users_) {
        switch (co_await users_->check(req[http::field::authorization])) {
        case htpasswd_file::verdict::allowed: break;
        case htpasswd_file::verdict::busy: {
            auto r = error_reply("TOOMANYREQUESTS", "too many password checks under way; try again");
            r.headers.set(http::field::retry_after, "1");
            co_return r;
        }
        case htpasswd_file::verdict::refused: {
            auto r = error_reply("UNAUTHORIZED", "authentication required");
            r.headers.set(http::field::www_authenticate, "Basic realm=\"lading-mirror\"");
            co_return r;
        }
        }
    }
    auto found = parse_route(req.target(), [&](std::string_view name) { return upstreams_.count(std::string(name)) > 0; });
    if (!found.found) {
        switch (found.problem) {
        case route_problem::name_invalid: co_return error_reply("NAME_INVALID", "invalid repository name");
        case route_problem::reference_invalid: co_return error_reply("TAG_INVALID", "invalid tag");
        case route_problem::digest_invalid: co_return error_reply("DIGEST_INVALID", "invalid digest");
        case route_problem::upstream_unknown:
            co_return error_reply("NAME_UNKNOWN", "this mirror serves no registry by the name given in ns=");
        default: co_return error_reply("NOT_FOUND", "no such endpoint");
        }
    }
    const auto& r = *found.found;
    upstream& from = r.upstream.empty() ? fallback_ : *upstreams_.at(r.upstream);
    switch (r.kind) {
    case endpoint::metrics: {
        reply m;
        m.headers.set(http::field::content_type, "text/plain; version=0.0.4");
        m.body = metrics_.prometheus_text();
        co_return m;
    }
    case endpoint::base: {
        reply b;
        b.headers.set(http::field::content_type, "application/json");
        b.body = "{}";
        co_return b;
    }
    case endpoint::manifest: co_return co_await manifest(req, from, r);
    case endpoint::blob: co_return co_await blob(req, from, r);
    case endpoint::tags: co_return co_await tags(req, from, r);
    case endpoint::referrers: co_return co_await referrers(from, r);
    }
    co_return error_reply("NOT_FOUND", "no such endpoint");
}

asio::awaitable<reply> request_handler::manifest(const request_head&, upstream& from, const route& r)
{
    std::exception_ptr problem;
    try {
        // (No co_await inside a conditional expression: g++ 12 destroys its result twice.)
        // Only a tag can name a variant: a digest that happens to end in a suffix is a digest.
        const bool tag = !digest::parse(r.reference);
        auto variant = variants_ && tag ? variants_->parse(r.reference) : std::nullopt;
        served_manifest m;
        if (variant)
            m = co_await variants_->get(from, r.repository, *variant);
        else
            m = co_await manifests_.get(from, r.repository, r.reference);
        reply out;
        out.headers.set(http::field::content_type, m.media_type);
        out.headers.set("Docker-Content-Digest", m.digest.str());
        out.body = std::move(m.bytes);
        co_return out;
    } catch (...) {
        problem = std::current_exception();
    }
    co_return failure(problem, endpoint::manifest);
}

// A HEAD is answered without fetching the blob: from the cache, the download under way or
// the upstream's own HEAD.
asio::awaitable<reply> request_handler::blob(const request_head& req, upstream& from, const route& r)
{
    std::exception_ptr problem;
    try {
        auto d = *digest::parse(r.reference);
        const bool head_only = req.method() == http::verb::head;
        std::optional<blob_handle> handle;
        blob_facts facts{0, "application/octet-stream"};
        if (head_only) {
            facts = co_await blobs_.head(from, r.repository, d);
        } else {
            handle = co_await blobs_.open(from, r.repository, d);
            facts.size = handle->size();
        }
        const auto size = facts.size;
        auto range = parse_range(req[http::field::range], size);
        reply out;
        out.headers.set("Docker-Content-Digest", d.str());
        out.headers.set(http::field::accept_ranges, "bytes");
        if (range.outcome == range_outcome::unsatisfiable) {
            out = error_reply("RANGE_INVALID", "requested range not satisfiable");
            out.status = 416;
            out.headers.set(http::field::content_range, "bytes */" + std::to_string(size));
            co_return out;
        }
        out.headers.set(http::field::content_type, facts.media_type);
        out.blob = handle;
        out.length_only = head_only;
        if (range.outcome == range_outcome::partial) {
            out.status = 206;
            out.first = range.first;
            out.length = range.length();
            out.headers.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                            std::to_string(range.last) + "/" + std::to_string(size));
        } else {
            out.length = size;
        }
        co_return out;
    } catch (...) {
        problem = std::current_exception();
    }
    co_return failure(problem, endpoint::blob);
}

asio::awaitable<reply> request_handler::tags(const request_head& req, upstream& from, const route& r)
{
    std::optional<std::size_t> n;
    if (auto it = r.query.find("n"); it != r.query.end()) {
        std::size_t v = 0;
        auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
        if (it->second.empty() || ec != std::errc() || end != it->second.data() + it->second.size())
            co_return error_reply("PAGINATION_NUMBER_INVALID", "invalid number of results requested");
        n = v;
    }
    std::string last;
    if (auto it = r.query.find("last"); it != r.query.end()) last = it->second;
    std::exception_ptr problem;
    try {
        registry::request_spec spec;
        spec.target = "/v2/" + r.repository + "/tags/list";
        spec.scopes = {"repository:" + r.repository + ":pull"};
        spec.expected = {200};
        spec.what = "tags of " + from.host() + "/" + r.repository;
        auto answer = co_await from.send(spec);
        std::vector<std::string> names;
        auto doc = json::parse(answer.body);
        if (auto* list = doc.as_object().if_contains("tags"); list && list->is_array())
            for (const auto& t : list->as_array())
                if (t.is_string()) names.emplace_back(t.as_string());
        std::optional<std::string> ns;
        if (auto it = r.query.find("ns"); it != r.query.end()) ns = it->second;
        auto page = page_of_tags(std::move(names), n, last, without_query(req.target()), ns);
        json::array tags_json;
        for (auto& t : page.tags) tags_json.emplace_back(t);
        reply out;
        out.headers.set(http::field::content_type, "application/json");
        if (!page.link.empty()) out.headers.set(http::field::link, page.link);
        out.body = json::serialize(json::object{{"name", r.repository}, {"tags", std::move(tags_json)}});
        co_return out;
    } catch (...) {
        problem = std::current_exception();
    }
    ++metrics_.upstream_errors;
    co_return failure(problem, endpoint::tags);
}

namespace {

// Adds the mirror's own referrers (variants it made) to the upstream's index, and applies an
// artifactType filter to the whole when the client asked for one.
void add_local_referrers(reply& out, std::vector<json::object> local, const std::optional<std::string>& artifact_type)
{
    if (local.empty()) return;
    auto doc = json::parse(out.body).as_object();
    auto& slot = doc["manifests"];
    if (!slot.is_array()) slot = json::array();
    auto& listed = slot.as_array();
    for (auto& entry : local)
        if (std::none_of(listed.begin(), listed.end(),
                         [&](const json::value& e) { return e.is_object() && e.as_object().if_contains("digest") &&
                                                            e.at("digest") == entry.at("digest"); }))
            listed.push_back(std::move(entry));
    if (artifact_type) {
        json::array kept;
        for (auto& e : listed)
            if (auto* t = e.is_object() ? e.as_object().if_contains("artifactType") : nullptr;
                t && t->is_string() && t->as_string() == *artifact_type)
                kept.push_back(std::move(e));
        listed = std::move(kept);
        out.headers.set("OCI-Filters-Applied", "artifactType");
    }
    out.body = json::serialize(doc);
}

}  // namespace

// Always an OCI index: the upstream's when it has the endpoint, else an empty one; with the
// variants the mirror made of that digest (`--variant`) added when the repository holds the
// digest, which then holds the variants too.
asio::awaitable<reply> request_handler::referrers(upstream& from, const route& r)
{
    reply out;
    out.headers.set(http::field::content_type, media_types::oci_index);
    out.body = empty_index;
    try {
        registry::request_spec spec;
        spec.target = "/v2/" + r.repository + "/referrers/" + r.reference;
        if (auto it = r.query.find("artifactType"); it != r.query.end())
            spec.target += "?artifactType=" + registry::query_escape(it->second);
        spec.scopes = {"repository:" + r.repository + ":pull"};
        spec.expected = {200, 404};
        spec.what = "referrers of " + from.host() + "/" + r.repository + "@" + r.reference;
        auto answer = co_await from.send(spec);
        std::error_code ec;
        auto doc = json::parse(answer.body, ec);
        if (answer.status == 200 && !ec && doc.is_object() && doc.as_object().contains("manifests")) {
            out.body = answer.body;
            if (auto filters = answer.header("OCI-Filters-Applied"); !filters.empty())
                out.headers.set("OCI-Filters-Applied", filters);
        }
    } catch (const std::exception&) {
        ++metrics_.upstream_errors;
    }
    if (auto subject = digest::parse(r.reference); subject && variants_) {
        std::optional<std::string> artifact_type;
        if (auto it = r.query.find("artifactType"); it != r.query.end()) artifact_type = it->second;
        try {
            // Whether the repository holds the subject is the upstream's to say when the mirror
            // does not know yet: the manifest cache asks it.
            if (!holdings_.holds(from, r.repository, *subject)) co_await manifests_.get(from, r.repository, r.reference);
            std::vector<json::object> local;
            if (holdings_.holds(from, r.repository, *subject)) local = variants_->referrers_of(*subject);
            for (const auto& entry : local)
                if (auto d = digest::parse(entry.at("digest").as_string())) holdings_.note_lasting(from, r.repository, *d);
            add_local_referrers(out, std::move(local), artifact_type);
        } catch (const std::exception&) {
            // The upstream's answer still stands; a damaged cache record shows in `store check`.
        }
    }
    co_return out;
}

}  // namespace lading::mirror
