#include "imagetools/downloading_source.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <cstring>

namespace lading::imagetools {

namespace {
struct abandoned_download {};
}  // namespace

downloading_source::downloading_source(std::function<void(const chunk_sink&)> download, std::size_t max_queued)
    : max_queued_(max_queued)
{
    thread_ = std::thread([this, download = std::move(download)] {
        std::exception_ptr failure;
        try {
            download([this](const std::uint8_t* p, std::size_t n) { accept(p, n); });
        } catch (const abandoned_download&) {
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        finished_ = true;
        failure_ = failure;
        changed_.notify_all();
    });
}

downloading_source::~downloading_source()
{
    {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        changed_.notify_all();
    }
    thread_.join();
}

void downloading_source::accept(const std::uint8_t* p, std::size_t n)
{
    if (n == 0) return;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return abandoned_ || queued_ < max_queued_; });
    if (abandoned_) throw abandoned_download{};
    chunks_.emplace_back(p, p + n);
    queued_ += n;
    changed_.notify_all();
}

std::size_t downloading_source::read(std::span<std::uint8_t> buf)
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) {
        if (failure_) std::rethrow_exception(failure_);
        return 0;
    }
    auto& front = chunks_.front();
    const auto n = std::min(buf.size(), front.size() - offset_);
    std::memcpy(buf.data(), front.data() + offset_, n);
    offset_ += n;
    if (offset_ == front.size()) {
        queued_ -= front.size();
        chunks_.pop_front();
        offset_ = 0;
        changed_.notify_all();
    }
    return n;
}

}  // namespace lading::imagetools
