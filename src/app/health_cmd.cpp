#include "meridian/app/health_cmd.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <iostream>
#include <type_traits>

#include "meridian/app/config.hpp"

namespace meridian::app {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Response = http::response<http::string_body>;

namespace {

// The address to probe: a wildcard listen address is reached over loopback.
std::string probe_host(const std::string& host) {
  if (host == "0.0.0.0" || host.empty()) return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

// Connect, (TLS handshake,) GET /health, read the answer: asynchronous so the stream's
// deadline (set by the caller) bounds every step, which Beast's blocking calls would not.
template <class Stream>
net::awaitable<void> probe(Stream& stream, net::ip::tcp::endpoint endpoint, std::string host, Response& out) {
  co_await beast::get_lowest_layer(stream).async_connect(endpoint, net::use_awaitable);
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>)
    co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  http::request<http::empty_body> req{http::verb::get, "/health", 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "meridiand-health");
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  co_await http::async_read(stream, buffer, parser, net::use_awaitable);
  out = parser.release();
}

template <class Stream>
Response run_probe(net::io_context& io, Stream& stream, const net::ip::tcp::endpoint& endpoint, const std::string& host,
                   std::chrono::milliseconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  Response res;
  std::exception_ptr failure;
  net::co_spawn(io, probe(stream, endpoint, host, res), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return res;
}

}  // namespace

HealthCommand::HealthCommand(CLI::App& app) {
  health_ = app.add_subcommand("health", "GET /health of the daemon configured here; exit 0 only when it answers 200");
  health_->add_option("--timeout-ms", timeout_ms_, "Give up after this long (exit 2)")->check(CLI::Range(100, 60'000));
}

bool HealthCommand::parsed() const {
  return health_->parsed();
}

int HealthCommand::run(const Config& config) const {
  const auto host = probe_host(config.host);
  const auto target = host + ":" + std::to_string(config.port);
  try {
    net::io_context io;
    const net::ip::tcp::endpoint endpoint(net::ip::make_address(host), static_cast<unsigned short>(config.port));
    const std::chrono::milliseconds timeout(timeout_ms_);
    Response res;
    if (config.tls_cert.empty()) {
      beast::tcp_stream stream(io);
      res = run_probe(io, stream, endpoint, host, timeout);
    } else {
      // A liveness probe of this machine's own daemon: the answer's status is what counts, so
      // the certificate (often issued for a public name, not for loopback) is not verified.
      net::ssl::context tls(net::ssl::context::tls_client);
      tls.set_verify_mode(net::ssl::verify_none);
      beast::ssl_stream<beast::tcp_stream> stream(io, tls);
      res = run_probe(io, stream, endpoint, host, timeout);
    }
    std::cout << res.body() << std::endl;
    if (res.result() == http::status::ok) return 0;
    std::cerr << "meridiand health: " << target << " answered " << res.result_int() << std::endl;
    return 1;
  } catch (const boost::system::system_error& e) {
    std::cerr << "meridiand health: no answer from " << target << ": " << e.code().message() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "meridiand health: no answer from " << target << ": " << e.what() << std::endl;
    return 2;
  }
}

}  // namespace meridian::app
