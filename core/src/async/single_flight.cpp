#include "async/single_flight.hpp"

namespace lading::async {

namespace asio = boost::asio;

single_flight::lead& single_flight::lead::operator=(lead&& other) noexcept
{
    if (this != &other) {
        if (flights_) flights_->end(key_);
        flights_ = std::exchange(other.flights_, nullptr);
        key_ = std::move(other.key_);
    }
    return *this;
}

single_flight::lead::~lead()
{
    if (flights_) flights_->end(key_);
}

asio::awaitable<std::optional<single_flight::lead>> single_flight::lead_or_wait(std::string key,
                                                                               std::chrono::steady_clock::duration longest)
{
    std::shared_ptr<wake_list> waiters;
    {
        std::lock_guard lock(mutex_);
        auto [flight, begun] = flights_.try_emplace(key);
        if (begun) {
            flight->second = std::make_shared<wake_list>();
            co_return lead(*this, key);
        }
        waiters = flight->second;
    }
    // Waits only while the very flight it saw is under way (another may have begun since).
    co_await wait_on(
        mutex_, *waiters,
        [&] {
            auto flight = flights_.find(key);
            return flight != flights_.end() && flight->second == waiters;
        },
        longest);
    co_return std::nullopt;
}

std::size_t single_flight::under_way() const
{
    std::lock_guard lock(mutex_);
    return flights_.size();
}

void single_flight::end(const std::string& key)
{
    std::lock_guard lock(mutex_);
    auto flight = flights_.find(key);
    if (flight == flights_.end()) return;
    flight->second->wake_all();
    flights_.erase(flight);
}

}  // namespace lading::async
