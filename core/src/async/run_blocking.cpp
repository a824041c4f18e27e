#include <lading/async/run_blocking.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>

namespace lading::async::detail {

namespace asio = boost::asio;

namespace {

// Shared with a cancellation posted from another thread, which may still sit in the queue
// of a caller's io_context after run_to_completion returned.
struct run_state {
    asio::cancellation_signal cancel;
    bool finished = false;
    std::exception_ptr failure;
};

}  // namespace

void run_to_completion(asio::io_context* io, asio::awaitable<void> work, std::stop_token stop)
{
    std::optional<asio::io_context> own;
    if (!io) io = &own.emplace();
    auto state = std::make_shared<run_state>();
    asio::co_spawn(*io, std::move(work), asio::bind_cancellation_slot(state->cancel.slot(), [state](std::exception_ptr e) {
                       state->failure = e;
                       state->finished = true;
                   }));
    {
        // A cancellation signal may only be emitted on the thread that runs the work.
        std::stop_callback on_stop(stop, [state, io] {
            asio::post(*io, [state] {
                if (!state->finished) state->cancel.emit(asio::cancellation_type::terminal);
            });
        });
        io->restart();
        io->run();
    }
    if (state->failure) std::rethrow_exception(state->failure);
}

}  // namespace lading::async::detail
