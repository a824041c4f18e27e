#include "bake_run.hpp"

#include "bake/run_bake.hpp"
#include "bake/target_request.hpp"
#include "export_metadata.hpp"
#include "host_environment.hpp"
#include "interrupt_signals.hpp"
#include "one_line.hpp"
#include "progress_printer.hpp"

#include <lading/error.hpp>

#include <iostream>
#include <memory>

namespace lading::cli {

namespace {

const char* status_text(bake::bake_status status)
{
    switch (status) {
    case bake::bake_status::done: return "done";
    case bake::bake_status::failed: return "failed";
    case bake::bake_status::cancelled: return "cancelled";
    }
    return "failed";
}

// One object per target: what `lading export --metadata-file` writes, or why it has none.
boost::json::object bake_metadata(const std::vector<bake::bake_result>& results)
{
    boost::json::object doc;
    for (const auto& r : results) {
        if (r.status == bake::bake_status::done) {
            doc[r.target] = export_metadata(r.outputs);
            continue;
        }
        doc[r.target] = boost::json::object{{"lading.status", status_text(r.status)}, {"lading.error", r.error}};
    }
    return doc;
}

}  // namespace

int run_resolved_bake(const lading::bake::resolved_bake& bake, const bake_run_flags& flags)
{
    bake::request_defaults defaults;
    defaults.store_location = store_location(flags.store.empty() ? std::nullopt : std::optional(flags.store));
    defaults.threads = compressor_threads();
    defaults.hosts = load_host_config(std::nullopt);
    defaults.source_date_epoch = source_date_epoch_from_env();
    auto mode = parse_progress_mode(flags.progress);

    progress_printer printer(mode);
    std::vector<std::unique_ptr<progress_listener>> views;
    std::vector<bake::bake_job> jobs;
    for (const auto& t : bake.targets) {
        views.push_back(printer.for_target(t.name));
        jobs.push_back({t.name, bake::export_request_for(t, defaults), views.back().get()});
    }
    if (jobs.empty()) throw usage_error("lading bake: no targets to run");

    auto plugins = make_plugin_catalog({}, defaults.hosts.plugin_path);
    interrupt_signals interrupts;
    // One thread budget for all targets; it also bounds how many run at once.
    bake::bake_settings settings{.concurrent_targets = defaults.threads, .stop = interrupts.token(), .shared_layers = {}, .budget = {}};
    auto results = bake::run_bake(std::move(jobs), plugins, settings);

    if (!flags.metadata_file.empty()) write_metadata_file(flags.metadata_file, bake_metadata(results));
    int status = 0;
    for (const auto& r : results) {
        if (r.status == bake::bake_status::done) {
            for (const auto& o : r.outputs) std::cout << r.target << ' ' << o.root.digest.str() << '\n';
            continue;
        }
        std::cerr << "lading: target \"" << r.target << "\" " << (r.status == bake::bake_status::failed ? "failed: " : "")
                  << one_line(r.error) << '\n';
        status = 1;
    }
    return status;
}

}  // namespace lading::cli
