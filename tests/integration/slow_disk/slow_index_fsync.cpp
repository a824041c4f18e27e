// Preloaded into lading by the concurrency campaign: flushing a brand-new (empty) index.json
// takes a random 0..$LADING_SLOW_FSYNC_MS milliseconds, as on a busy disk. Those are the
// moments where a store's first index.json written outside the index lock could land after
// another export's names and erase them.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <thread>

namespace {
bool is_empty_index(int fd)
{
    // The writer's descriptor may be write-only: read the file through another one.
    const auto path = "/proc/self/fd/" + std::to_string(fd);
    int reader = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (reader < 0) return false;
    char head[512];
    auto n = ::pread(reader, head, sizeof head, 0);
    ::close(reader);
    return n > 0 && n < static_cast<ssize_t>(sizeof head) &&
           std::string_view(head, static_cast<std::size_t>(n)).find("\"manifests\":[]") != std::string_view::npos;
}
}  // namespace

extern "C" int fsync(int fd)
{
    using fsync_fn = int (*)(int);
    static auto real = reinterpret_cast<fsync_fn>(::dlsym(RTLD_NEXT, "fsync"));
    const char* limit = std::getenv("LADING_SLOW_FSYNC_MS");
    if (limit && is_empty_index(fd)) {
        thread_local std::mt19937 random(static_cast<unsigned>(::getpid()) * 2654435761u);
        const auto most = std::strtoul(limit, nullptr, 10) + 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(random() % most));
    }
    return real(fd);
}
