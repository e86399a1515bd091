#include "support/http_client.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <functional>
#include <stdexcept>
#include <type_traits>

namespace meridian::e2e {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

tcp::endpoint loopback(std::uint16_t port) {
  return {net::ip::make_address_v4("127.0.0.1"), port};
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

bool HttpResponse::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return true;
  return false;
}

nlohmann::json HttpResponse::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

namespace {

// One request and its response over `stream`, plain TCP or TLS (which handshakes first).
template <class Stream>
HttpResponse exchange(net::io_context& io, Stream& stream, std::uint16_t port, const HttpRequest& request,
                      std::chrono::milliseconds timeout) {
  constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown)
    req.method_string(request.method);
  else
    req.method(verb);
  req.target(request.target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::user_agent, "meridian-e2e");
  req.body() = request.body;
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put) req.prepare_payload();
  for (const auto& [k, v] : request.headers) req.set(k, v);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (verb == http::verb::head) parser.skip(true);

  beast::error_code connect_ec, handshake_ec, write_ec, read_ec;
  bool read_done = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto& tcp_stream = beast::get_lowest_layer(stream);
  // Write and read at once: the server may answer before it has read the whole body.
  auto talk = [&] {
    http::async_write(stream, req, [&](beast::error_code ec2, std::size_t) { write_ec = ec2; });
    http::async_read(stream, buffer, parser, [&](beast::error_code ec2, std::size_t) {
      read_ec = ec2;
      read_done = true;
      beast::error_code ignored;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp_stream.cancel();
    });
  };
  tcp_stream.expires_at(deadline);
  tcp_stream.async_connect(loopback(port), [&](beast::error_code ec) {
    connect_ec = ec;
    if (ec) return;
    tcp_stream.expires_at(deadline);  // the rest of the exchange shares the deadline
    if constexpr (kTls) {
      stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec2) {
        handshake_ec = ec2;
        if (!ec2) talk();
      });
    } else {
      talk();
    }
  });
  io.run();

  const std::string what = request.method + " " + request.target + " on port " + std::to_string(port);
  if (connect_ec) throw std::runtime_error("cannot connect for " + what + ": " + connect_ec.message());
  if (handshake_ec) throw std::runtime_error("TLS handshake failed for " + what + ": " + handshake_ec.message());
  if (!read_done || read_ec || !parser.is_done())
    throw std::runtime_error("no complete response to " + what + ": " +
                             (read_ec ? read_ec.message() : std::string("no answer")) +
                             (write_ec ? " (writing the request: " + write_ec.message() + ")" : ""));
  HttpResponse out;
  auto res = parser.release();
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}
}  // namespace

HttpResponse http_request(std::uint16_t port, const HttpRequest& request, std::chrono::milliseconds timeout) {
  net::io_context io;
  beast::tcp_stream stream(io);
  return exchange(io, stream, port, request, timeout);
}

HttpResponse https_request(std::uint16_t port, const HttpRequest& request, net::ssl::context& tls,
                           std::chrono::milliseconds timeout) {
  net::io_context io;
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  return exchange(io, stream, port, request, timeout);
}

HttpResponse http_get(std::uint16_t port, std::string target, Headers headers) {
  return http_request(port, HttpRequest{"GET", std::move(target), {}, std::move(headers)});
}

HttpResponse http_post(std::uint16_t port, std::string target, std::string body, std::string content_type) {
  Headers headers;
  if (!body.empty()) headers.emplace_back("Content-Type", std::move(content_type));
  return http_request(port, HttpRequest{"POST", std::move(target), std::move(body), std::move(headers)});
}

RawExchange raw_exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout) {
  net::io_context io;
  tcp::socket socket(io);
  net::steady_timer deadline(io);
  RawExchange out;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    socket.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      out.received.append(chunk.data(), n);
      if (!ec) return read_more();
      if (ec != net::error::operation_aborted) out.closed_by_peer = true;
      deadline.cancel();
    });
  };
  beast::error_code connect_ec;
  socket.async_connect(loopback(port), [&](beast::error_code ec) {
    connect_ec = ec;
    if (ec) return (void)deadline.cancel();
    // Write errors are expected (the server may close early); what it answered is what counts.
    net::async_write(socket, net::buffer(bytes), [](beast::error_code, std::size_t) {});
    read_more();
  });
  deadline.expires_after(timeout);
  deadline.async_wait([&](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    socket.close(ignored);
  });
  io.run();
  if (connect_ec)
    throw std::runtime_error("raw_exchange: cannot connect to port " + std::to_string(port) + ": " +
                             connect_ec.message());
  return out;
}

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace meridian::e2e
