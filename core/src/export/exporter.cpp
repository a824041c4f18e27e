#include "export/build_layers.hpp"
#include "export/export_destinations.hpp"
#include "export/gather_export_facts.hpp"
#include "export/interruption.hpp"
#include "export/plan_export.hpp"
#include "export/publish_outputs.hpp"
#include "export/render_output.hpp"

#include "attestation/export_attestations.hpp"
#include <lading/error.hpp>
#include <lading/export/exporter.hpp>

#include <ctime>

namespace lading {

std::vector<output_result> run_export(const export_request& request, plugin::catalog& plugins,
                                      progress_listener& progress)
{
    const auto started = static_cast<std::int64_t>(std::time(nullptr));
    // Everything that can be refused without reading the layers or the base is refused first.
    export_facts facts{check_request_before_work(request, plugins), {}};
    const attestation::export_attestations attestations(request.attestations);
    facts.bases = resolve_base_images(request, plugins);
    add_base_layer_facts(facts, plugins);

    const export_plan plan = plan_export(request, facts);
    if (plan.rewrite_without_epoch)
        progress.step("warning: rewrite-timestamp=true without SOURCE_DATE_EPOCH: times are kept as they are");
    for (const auto& key : plan.unapplied_annotations)
        progress.step("warning: " + key + " is not applied: a single-platform image takes only annotations without a platform");
    export_destinations destinations(plugins, request.store_location, request.daemon_store_address);
    throw_if_stopped(request.stop, "before building layers");
    auto layers = build_layers(plan, destinations, plugins, progress);
    throw_if_stopped(request.stop, "before storing layers");
    commit_layers(plan, layers, destinations);
    auto results = render_outputs(plan, layers, attestations, destinations, plugins, progress,
                                  {started, static_cast<std::int64_t>(std::time(nullptr))});
    throw_if_stopped(request.stop, "before naming the image");
    unpack_outputs(plan, results, destinations, plugins, progress);
    name_outputs(plan, results, destinations, progress);
    push_outputs(plan, results, destinations, progress);
    for (std::size_t o = 0; o < results.size(); ++o) results[o].pushed = !plan.outputs[o].pushes.empty();
    return results;
}

}  // namespace lading
