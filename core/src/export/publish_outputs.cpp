#include "publish_outputs.hpp"
#include <lading/error.hpp>

#include "export/image_names.hpp"
#include <lading/oci/reference.hpp>
#include <lading/registry/pusher.hpp>
#include "text/without_repeats.hpp"
#include "unpack/image_unpacker.hpp"

#include <algorithm>

namespace lading {

void unpack_outputs(const export_plan& plan, const std::vector<output_result>& results,
                    export_destinations& destinations, plugin::catalog& plugins, progress_listener& progress)
{
    for (std::size_t o = 0; o < plan.outputs.size(); ++o)
        if (plan.outputs[o].names_in_store && plan.outputs[o].unpack)
            unpack::unpack_image(*destinations.store(plan.request.outputs[o].store_backend), results[o].root, plugins,
                                 progress);
}

void name_outputs(const export_plan& plan, const std::vector<output_result>& results,
                  export_destinations& destinations, progress_listener& progress)
{
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
        if (!plan.outputs[o].names_in_store) continue;
        // "name=a:1,a:1", or a name that name-canonical or dangling-name-prefix also makes, is
        // bound once.
        const auto names = text::without_repeats(results[o].names);
        std::vector<plugin::stored_name> bindings;
        for (const auto& name : names) bindings.push_back({name, normalized_name(name), results[o].root});
        auto* store = destinations.store(plan.request.outputs[o].store_backend);
        store->set_names(bindings);
        const auto where = store->location().empty() ? std::string() : " in " + store->location();
        for (const auto& name : names) progress.step("named " + name + where);
    }
}

namespace {

// Opens a layer of whichever of these platforms' local base images holds it.
std::function<std::unique_ptr<byte_source>(const digest&)> local_base_blobs(const export_plan& plan,
                                                                           std::vector<std::size_t> platforms)
{
    return [&plan, platforms = std::move(platforms)](const digest& d) -> std::unique_ptr<byte_source> {
        for (auto p : platforms) {
            const auto& base = *plan.platforms[p].base;
            for (const auto& layer : base.layers)
                if (layer.digest == d) return base.open_local_blob(d);
        }
        throw error("blob " + d.str() + " is not a layer of the base image");
    };
}

}  // namespace

void push_outputs(const export_plan& plan, const std::vector<output_result>& results,
                  export_destinations& destinations, progress_listener& progress)
{
    std::vector<registry::push_job> jobs;
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
        const auto& spec = plan.request.outputs[o];
        auto* source = destinations.of(plan, o);
        std::vector<std::string> pushed;  // what each push writes: a tag, or by digest the repository
        for (const auto& push : plan.outputs[o].pushes) {
            const auto target = parse_reference(results[o].names.at(push.name));
            const auto writes = spec.push_by_digest ? target.name() : target.normalized();
            if (std::find(pushed.begin(), pushed.end(), writes) != pushed.end()) continue;
            pushed.push_back(writes);
            registry::push_job job{target, spec.push_by_digest,
                                   results[o].root, source, spec.registry_insecure, push.mount_from_repository,
                                   push.mountable, {}, {}, {}, {}};
            job.streamed = destinations.streamed().streamed_to(job.target.domain, job.target.repository);
            if (plan.outputs[o].destination == blob_destination::spool)
                job.rebuild_into_source = [&unkept = destinations.unkept(), source, &progress,
                                           stop = plan.request.stop](const descriptor& d) {
                    return unkept.rebuild_into(d.digest, *source, progress, stop);
                };
            if (!push.reads_bases_of.empty()) job.open_elsewhere = local_base_blobs(plan, push.reads_bases_of);
            if (push.fetches_base_of)
                job.fetch_into_source = [&base = *plan.platforms[*push.fetches_base_of].base, source](const descriptor& d) {
                    base.copy_blob(d, *source);
                };
            jobs.push_back(std::move(job));
        }
    }
    if (!jobs.empty())
        registry::push_images(jobs,
                              {plan.request.hosts.parallel_uploads, &plan.request.hosts, plan.request.shared_pushes,
                               plan.request.shared_greetings},
                              progress, plan.request.stop);
}

}  // namespace lading
