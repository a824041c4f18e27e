#include "export/unkept_layers.hpp"

#include "export/interruption.hpp"
#include <lading/error.hpp>

namespace lading {

void unkept_layers::add(const digest& d, std::string label, rebuild again)
{
    std::lock_guard lock(recipes_mutex_);
    recipes_.insert_or_assign(d.str(), recipe{std::move(label), std::move(again), nullptr});
}

bool unkept_layers::rebuild_into(const digest& d, plugin::store& store, progress_listener& progress,
                                 const std::stop_token& stop)
{
    std::unique_lock recipes_lock(recipes_mutex_);
    auto it = recipes_.find(d.str());
    if (it == recipes_.end()) return false;
    recipes_lock.unlock();  // entries are neither added nor removed once the push runs

    std::lock_guard one_at_a_time(rebuild_mutex_);
    auto& found = it->second;
    if (found.failed) std::rethrow_exception(found.failed);
    if (store.blob_size(d)) return true;  // built again for another repository
    throw_if_stopped(stop, "before building layer " + found.label + " again");
    try {
        progress.step("building layer " + found.label + " again for its upload: store=false kept no copy of it");
        auto again = found.again(blob_sink({&store}));
        if (again.blob != d)
            throw error("layer " + found.label + " changed while it was pushed: it was built as " + d.str() +
                        " and now builds as " + again.blob.str() + "; a source must not change during its export");
        again.pending->commit(d);
    } catch (...) {
        found.failed = std::current_exception();
        throw;
    }
    return true;
}

}  // namespace lading
