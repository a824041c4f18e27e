// A TCP proxy that adds a fixed one-way delay to every byte in both directions, the way a
// registry some distance away answers: `delay_proxy LISTEN_PORT TARGET_PORT ONE_WAY_MS`
// forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT, each chunk read held until
// ONE_WAY_MS after it arrived, order kept, throughput not limited. Prints "ready" once it
// listens; runs until killed. For bench/push-latency.sh (netem needs a kernel module that
// containers rarely have).
#include <boost/asio.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct held_chunk {
    clock_type::time_point due;
    std::vector<char> bytes;  // empty: the sender closed its side
};

// One direction of one connection: reads as fast as the peer sends, writes each chunk once
// it is due.
struct pipe_end : std::enable_shared_from_this<pipe_end> {
    pipe_end(tcp::socket& from, tcp::socket& to, clock_type::duration delay)
        : from(from), to(to), delay(delay), wake(from.get_executor(), clock_type::time_point::max())
    {
    }
    tcp::socket& from;
    tcp::socket& to;
    clock_type::duration delay;
    std::deque<held_chunk> queue;
    asio::steady_timer wake;

    asio::awaitable<void> read_side()
    {
        auto self = shared_from_this();
        std::vector<char> buffer(256 << 10);
        for (;;) {
            boost::system::error_code ec;
            auto n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            queue.push_back({clock_type::now() + delay, ec ? std::vector<char>() : std::vector<char>(buffer.begin(), buffer.begin() + n)});
            wake.cancel();
            if (ec) co_return;
        }
    }

    asio::awaitable<void> write_side()
    {
        auto self = shared_from_this();
        for (;;) {
            boost::system::error_code ec;
            if (queue.empty()) {
                wake.expires_at(clock_type::time_point::max());
                co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            asio::steady_timer due(to.get_executor(), queue.front().due);
            co_await due.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            auto chunk = std::move(queue.front());
            queue.pop_front();
            if (chunk.bytes.empty()) {
                to.shutdown(tcp::socket::shutdown_send, ec);
                co_return;
            }
            co_await asio::async_write(to, asio::buffer(chunk.bytes), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                from.close(ec);
                co_return;
            }
        }
    }
};

asio::awaitable<void> relay(tcp::socket client, unsigned short target_port, clock_type::duration delay)
{
    auto ex = co_await asio::this_coro::executor;
    auto sockets = std::make_shared<std::pair<tcp::socket, tcp::socket>>(std::move(client), tcp::socket(ex));
    boost::system::error_code ec;
    co_await sockets->second.async_connect({asio::ip::make_address("127.0.0.1"), target_port},
                                           asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    sockets->first.set_option(tcp::no_delay(true));
    sockets->second.set_option(tcp::no_delay(true));
    auto up = std::make_shared<pipe_end>(sockets->first, sockets->second, delay);
    auto down = std::make_shared<pipe_end>(sockets->second, sockets->first, delay);
    auto keep = [sockets](std::exception_ptr) {};
    asio::co_spawn(ex, up->read_side(), keep);
    asio::co_spawn(ex, up->write_side(), keep);
    asio::co_spawn(ex, down->read_side(), keep);
    asio::co_spawn(ex, down->write_side(), keep);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, unsigned short target_port, clock_type::duration delay)
{
    for (;;) {
        auto client = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), relay(std::move(client), target_port, delay), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: delay_proxy LISTEN_PORT TARGET_PORT ONE_WAY_MS\n";
        return 2;
    }
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1]))});
    const auto delay = std::chrono::milliseconds(std::atoi(argv[3]));
    asio::co_spawn(io, accept_loop(acceptor, static_cast<unsigned short>(std::atoi(argv[2])), delay), asio::detached);
    std::cout << "ready" << std::endl;
    io.run();
}
