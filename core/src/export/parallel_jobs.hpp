// Runs independent jobs on a few threads and rethrows the first failure after all stop.
#pragma once

#include <cstddef>
#include <functional>

namespace lading {

// Calls job(i) for every i in [0, count) using up to `workers` threads (0 = one per core).
void run_parallel(std::size_t count, const std::function<void(std::size_t)>& job, unsigned workers = 0);

}  // namespace lading
