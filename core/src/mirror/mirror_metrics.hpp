// Counters the mirror keeps and their Prometheus text exposition.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace lading::mirror {

struct mirror_metrics {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> cache_hits{0};
    std::atomic<std::uint64_t> cache_misses{0};
    std::atomic<std::uint64_t> bytes_from_cache{0};     // blob bytes sent from committed cache files
    std::atomic<std::uint64_t> bytes_from_upstream{0};  // blob bytes received from upstreams
    std::atomic<std::uint64_t> upstream_errors{0};
    std::atomic<std::uint64_t> evictions{0};
    std::atomic<std::int64_t> requests_in_flight{0};
    std::atomic<std::int64_t> fills_in_flight{0};
    std::atomic<std::uint64_t> cache_bytes{0};

    std::string prometheus_text() const;
};

}  // namespace lading::mirror
