#include "imagetools/index_publisher.hpp"
#include "imagetools/manifest_writer.hpp"

#include "export/export_destinations.hpp"
#include "registry/session.hpp"

#include <lading/error.hpp>
#include <lading/registry/pusher.hpp>

#include <boost/json/parse.hpp>

#include <set>

namespace lading::imagetools {

namespace {

constexpr std::size_t json_limit = 4 << 20;

struct target_repository {
    std::string host, repository;
    std::vector<std::string> tags;
    std::unique_ptr<manifest_writer> writer;
};

std::vector<target_repository> group_by_repository(const publish_request& request,
                                                   const std::shared_ptr<registry::greetings>& greeted)
{
    std::vector<target_repository> repos;
    for (const auto& t : request.targets) {
        auto it = std::find_if(repos.begin(), repos.end(),
                               [&](const auto& r) { return r.host == t.domain && r.repository == t.repository; });
        if (it == repos.end()) {
            repos.push_back({t.domain, t.repository, {}, nullptr});
            it = std::prev(repos.end());
            it->writer = std::make_unique<manifest_writer>(
                t.domain, t.repository, registry::options_for(t.domain, request.hosts, false, greeted), request.stop);
        }
        if (!t.tag.empty() && std::find(it->tags.begin(), it->tags.end(), t.tag) == it->tags.end())
            it->tags.push_back(t.tag);
    }
    return repos;
}

// Puts the manifests below `d` (itself included) from a registry origin into `staging`, so
// that the pusher finds them there; adds the blobs they reference to `blobs`.
void stage_manifests(image_origin& origin, const descriptor& d, plugin::store& staging,
                     std::map<digest, descriptor>& blobs, std::set<digest>& staged, int depth)
{
    if (depth > 4) throw error("image index nesting is too deep at " + d.digest.str());
    // Every listing's size, a repeated one too: the new index lists them as they are.
    auto check_size = [&](std::uint64_t size) {
        if ((depth > 0 || d.size != 0) && size != d.size)
            throw error("manifest " + d.digest.str() + " of " + origin.label() + " is " + std::to_string(size) +
                        " bytes, not " + std::to_string(d.size) + " as the index listing it says");
    };
    if (!staged.insert(d.digest).second) {  // listed more than once: its parts are known
        check_size(*staging.blob_size(d.digest));
        return;
    }
    const bool in_staging = staging.blob_size(d.digest).has_value();
    const auto bytes = in_staging ? staging.read_small_blob(d.digest, json_limit) : origin.manifest(d.digest.str()).bytes;
    check_size(bytes.size());
    if (!in_staging) {
        auto w = staging.begin_blob();
        w->write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        w->commit(d.digest);
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) throw error("manifest " + d.digest.str() + " of " + origin.label() + " is not JSON");
    const auto& o = v.as_object();
    if (auto* m = o.if_contains("manifests"); m && m->is_array())
        for (const auto& child : m->as_array())
            stage_manifests(origin, descriptor::from_json(child), staging, blobs, staged, depth + 1);
    auto add = [&](const boost::json::value& v) {
        auto blob = descriptor::from_json(v);
        blobs.emplace(blob.digest, blob);
    };
    if (auto* c = o.if_contains("config")) add(*c);
    if (auto* l = o.if_contains("layers"); l && l->is_array())
        for (const auto& layer : l->as_array()) add(layer);
}

registry::push_job copy_job(image_origin& origin, const index_child& child, const target_repository& target,
                            plugin::store& staging)
{
    registry::push_job job;
    job.target.domain = target.host;
    job.target.repository = target.repository;
    job.target.digest = child.descriptor.digest.str();
    job.by_digest = true;
    job.root = child.descriptor;
    if (!origin.is_registry()) {
        job.source = origin.store();
        return job;
    }
    job.source = &staging;
    std::map<digest, descriptor> blobs;
    std::set<digest> staged;
    stage_manifests(origin, child.descriptor, staging, blobs, staged, 0);
    if (origin.host() == target.host && origin.repository() != target.repository) {
        job.mount_from_repository = origin.repository();
        for (const auto& [d, _] : blobs) job.mountable.push_back(d);
    }
    // Blobs that are neither in the target repository nor mounted stream from the origin.
    job.open_elsewhere = [&origin, blobs = std::move(blobs)](const digest& d) { return origin.stream_blob(blobs.at(d)); };
    return job;
}

}  // namespace

void publish_index(const publish_request& request, plugin::catalog& plugins, progress_listener& progress)
{
    const auto& index = *request.index;
    auto greeted = std::make_shared<registry::greetings>();
    auto repos = group_by_repository(request, greeted);

    // The manifests copied from a registry wait in a private spool, removed at the end.
    export_destinations spool_owner(plugins, {});
    std::vector<registry::push_job> copies;
    for (auto& repo : repos)
        for (const auto& child : index.children) {
            if (repo.writer->has_manifest(child.descriptor.digest)) continue;
            auto origin = request.origin_of.find(child.descriptor.digest);
            if (origin == request.origin_of.end())
                throw error("image " + child.descriptor.digest.str() + " is not in " + repo.writer->name() +
                            " and lading knows no source for it; nothing was tagged");
            copies.push_back(copy_job(*origin->second, child, repo, *spool_owner.spool()));
        }
    if (!copies.empty()) {
        progress.step("copying " + std::to_string(copies.size()) + " image(s) into the target repositories");
        registry::push_settings settings;
        settings.hosts = request.hosts;
        settings.greeted = greeted;
        registry::push_images(copies, settings, progress, request.stop);
    }

    // Nothing is tagged unless every child is where the index says it is.
    for (auto& repo : repos)
        for (const auto& child : index.children)
            if (!repo.writer->has_manifest(child.descriptor.digest))
                throw error("image " + child.descriptor.digest.str() + " is missing from " + repo.writer->name() +
                            "; nothing was tagged");

    const auto& blob = index.blob;
    for (auto& repo : repos) repo.writer->put_manifest(blob.descriptor.digest.str(), blob.bytes, blob.descriptor.media_type, blob.descriptor.digest);
    for (auto& repo : repos)
        for (const auto& tag : repo.tags) {
            repo.writer->put_manifest(tag, blob.bytes, blob.descriptor.media_type, blob.descriptor.digest);
            progress.step("tagged " + repo.writer->name() + ":" + tag + " (" + blob.descriptor.digest.str() + ")");
        }
}

}  // namespace lading::imagetools
