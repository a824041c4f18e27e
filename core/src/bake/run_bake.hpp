// Runs the exports of several bake targets together: concurrently, sharing the layers they
// have in common, and stopping the others at the first failure.
#pragma once

#include <lading/export/export_request.hpp>
#include <lading/export/thread_budget.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace lading::bake {

struct bake_job {
    std::string target;
    export_request request;
    progress_listener* progress = nullptr;  // where this target's export reports; none: nowhere
};

enum class bake_status { done, failed, cancelled };

struct bake_result {
    std::string target;
    bake_status status = bake_status::cancelled;
    std::vector<output_result> outputs;  // done: one per request output
    std::string error;                   // failed or cancelled: why, in one line
};

struct bake_settings {
    unsigned concurrent_targets = 1;  // exports running at once (waiting targets queue)
    std::stop_token stop;             // the program's own stop (a signal): cancels every target
    // Given to every export; none: run_bake makes one for this run. run_bake counts its
    // targets' layer sources into it (layer_memo::expect_layer).
    std::shared_ptr<layer_memo> shared_layers;
    // Shared by every export, so all targets together compress on at most its size of threads;
    // none: run_bake makes one of concurrent_targets threads.
    std::shared_ptr<thread_budget> budget;
};

// Every request is checked first (parameters, plugins, layer paths): a bad one throws
// usage_error or lading::error naming its target, and nothing runs. Then the targets run in
// the order given, up to concurrent_targets at once, with one layer memo and one thread budget. The first failure
// stops the running exports and skips the waiting ones (cancelled); targets that finished
// keep what they exported. One result per job, in the order of `jobs`.
std::vector<bake_result> run_bake(std::vector<bake_job> jobs, plugin::catalog& plugins, const bake_settings& settings);

}  // namespace lading::bake
