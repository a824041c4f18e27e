#include "mirror/mirror_metrics.hpp"

namespace lading::mirror {

namespace {

template <class T>
void metric(std::string& out, const char* name, const char* type, const char* help, const std::atomic<T>& value)
{
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value.load()) + "\n";
}

}  // namespace

std::string mirror_metrics::prometheus_text() const
{
    std::string out;
    metric(out, "lading_mirror_requests_total", "counter", "HTTP requests answered.", requests);
    metric(out, "lading_mirror_cache_hits_total", "counter", "Blobs and manifests served from the cache.", cache_hits);
    metric(out, "lading_mirror_cache_misses_total", "counter", "Blobs and manifests fetched from an upstream.",
           cache_misses);
    metric(out, "lading_mirror_bytes_from_cache_total", "counter", "Blob bytes sent from the cache.", bytes_from_cache);
    metric(out, "lading_mirror_bytes_from_upstream_total", "counter", "Blob bytes received from upstreams.",
           bytes_from_upstream);
    metric(out, "lading_mirror_upstream_errors_total", "counter", "Upstream requests that failed.", upstream_errors);
    metric(out, "lading_mirror_evictions_total", "counter", "Blobs evicted to stay under the size cap.", evictions);
    metric(out, "lading_mirror_requests_in_flight", "gauge", "Requests being answered.", requests_in_flight);
    metric(out, "lading_mirror_upstream_fetches_in_flight", "gauge", "Blob downloads from upstreams under way.",
           fills_in_flight);
    metric(out, "lading_mirror_cache_size_bytes", "gauge", "Bytes of blobs in the cache.", cache_bytes);
    return out;
}

}  // namespace lading::mirror
