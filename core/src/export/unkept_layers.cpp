#include "export/unkept_layers.hpp"

#include <lading/error.hpp>

namespace lading {

void unkept_layers::add(const digest& d, std::string label, rebuild again)
{
    std::lock_guard lock(recipes_mutex_);
    recipes_.insert_or_assign(d.str(), recipe{std::move(label), std::move(again)});
}

bool unkept_layers::rebuild_into(const digest& d, plugin::store& store, progress_listener& progress)
{
    recipe found;
    {
        std::lock_guard lock(recipes_mutex_);
        auto it = recipes_.find(d.str());
        if (it == recipes_.end()) return false;
        found = it->second;
    }
    std::lock_guard one_at_a_time(rebuild_mutex_);
    if (store.blob_size(d)) return true;  // rebuilt for another repository
    progress.step("building layer " + found.label + " again for its upload: its stream was its only copy");
    auto again = found.again(blob_sink({&store}));
    if (again.blob != d)
        throw error("layer " + found.label + " changed while it was pushed: it was built as " + d.str() +
                    " and now builds as " + again.blob.str() + "; export it again");
    again.pending->commit(d);
    return true;
}

}  // namespace lading
