#include "bake/run_bake.hpp"

#include "export/gather_export_facts.hpp"
#include <lading/error.hpp>
#include <lading/export/exporter.hpp>
#include <lading/export/layer_memo.hpp>
#include <lading/registry/blob_transfers.hpp>
#include <lading/registry/greetings.hpp>
#include <lading/registry/errc.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace lading::bake {

namespace {

void check_before_running(const std::vector<bake_job>& jobs, plugin::catalog& plugins)
{
    for (const auto& job : jobs) {
        try {
            check_request_before_work(job.request, plugins);
        } catch (const usage_error& e) {
            throw usage_error("target \"" + job.target + "\": " + e.what());
        } catch (const error& e) {
            throw error(e.code(), "target \"" + job.target + "\": " + e.what());
        }
    }
}

// Who stopped the bake first: a failed target, or the program.
class first_failure {
public:
    // true for the first failure only.
    bool record(const std::string& target)
    {
        std::lock_guard lock(mutex_);
        if (!target_.empty()) return false;
        target_ = target;
        return true;
    }
    std::string why_cancelled() const
    {
        std::lock_guard lock(mutex_);
        return target_.empty() ? "cancelled: interrupted" : "cancelled: target \"" + target_ + "\" failed";
    }

private:
    mutable std::mutex mutex_;
    std::string target_;
};

}  // namespace

std::vector<bake_result> run_bake(std::vector<bake_job> jobs, plugin::catalog& plugins, const bake_settings& settings)
{
    check_before_running(jobs, plugins);
    std::stop_source stop_all;
    std::stop_callback forward(settings.stop, [&] { stop_all.request_stop(); });
    auto memo = settings.shared_layers ? settings.shared_layers : std::make_shared<layer_memo>();
    // A source listed twice, by two targets or by one (for two platforms), is built once.
    for (const auto& job : jobs)
        for (const auto& layer : job.request.layers) memo->expect_layer(layer.path);
    auto budget = settings.budget ? settings.budget : std::make_shared<thread_budget>(settings.concurrent_targets);
    // Targets pushing a layer they share to one repository at the same time send it once.
    auto pushes = std::make_shared<registry::blob_transfers>();
    auto greeted = std::make_shared<registry::greetings>();
    progress_listener silent;
    first_failure failure;

    std::vector<bake_result> results(jobs.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i; (i = next++) < jobs.size();) {
            auto& job = jobs[i];
            auto& result = results[i];
            result.target = job.target;
            if (stop_all.stop_requested()) {
                result.error = failure.why_cancelled();
                continue;
            }
            job.request.stop = stop_all.get_token();
            job.request.shared_layers = memo;
            job.request.budget = budget;
            job.request.shared_pushes = pushes;
            job.request.shared_greetings = greeted;
            try {
                result.outputs = run_export(job.request, plugins, job.progress ? *job.progress : silent);
                result.status = bake_status::done;
            } catch (const std::exception& e) {
                const auto* lading_error = dynamic_cast<const error*>(&e);
                const bool interrupted =
                    lading_error && lading_error->code() == make_error_code(registry::errc::interrupted);
                if (interrupted && stop_all.stop_requested()) {
                    result.error = failure.why_cancelled();
                } else {
                    result.status = bake_status::failed;
                    result.error = e.what();
                    failure.record(job.target);
                    stop_all.request_stop();
                }
            }
        }
    };
    const auto workers = std::clamp<std::size_t>(settings.concurrent_targets, 1, std::max<std::size_t>(jobs.size(), 1));
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    return results;
}

}  // namespace lading::bake
