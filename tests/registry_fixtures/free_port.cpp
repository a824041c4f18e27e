#include "registry_fixtures/free_port.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace lading::test {

namespace asio = boost::asio;

std::uint16_t free_port() {
    asio::io_context ioc;
    asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address_v4("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

bool accepts_connections(std::uint16_t port) {
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    boost::system::error_code ec;
    socket.connect({asio::ip::make_address_v4("127.0.0.1"), port}, ec);
    return !ec;
}

}  // namespace lading::test
