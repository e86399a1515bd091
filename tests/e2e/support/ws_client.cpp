#include "support/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream_base.hpp>
#include <stdexcept>

namespace meridian::e2e {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

WsClient::WsClient(std::uint16_t port, std::string target, std::chrono::milliseconds timeout) : ws_(io_) {
  const auto deadline = Clock::now() + timeout;
  bool done = false;
  beast::error_code result;
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_at(deadline);
  tcp.async_connect(net::ip::tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), port}, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    tcp.expires_at(deadline);
    ws_.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec2) {
      result = ec2;
      done = true;
    });
  });
  if (!pump([&] { return done; }, deadline) || result) {
    throw std::runtime_error("WebSocket connect to port " + std::to_string(port) + target +
                             " failed: " + (done ? result.message() : std::string("timed out")));
  }
  tcp.expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.text(true);
  start_read();
}

WsClient::~WsClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).close();
  io_.restart();
  io_.run_for(std::chrono::milliseconds(200));  // let the aborted read finish
}

void WsClient::start_read() {
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    if (ec) {
      error_ = ec;
      closed_ = true;
      return;
    }
    inbox_.push_back(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
    start_read();
  });
}

bool WsClient::pump(const std::function<bool()>& done, Clock::time_point deadline) {
  while (!done()) {
    if (Clock::now() >= deadline) return done();
    if (io_.stopped()) io_.restart();
    if (io_.run_one_until(deadline) == 0 && io_.stopped()) {
      // Nothing left to run: nothing more can arrive.
      return done();
    }
  }
  return true;
}

void WsClient::send(const nlohmann::json& message) {
  send_text(message.dump());
}

void WsClient::send_text(const std::string& text) {
  if (closed_) throw std::runtime_error("WebSocket send after close: " + error_.message());
  bool done = false;
  beast::error_code result;
  ws_.async_write(net::buffer(text), [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (!pump([&] { return done; }, Clock::now() + std::chrono::seconds(10)) || result)
    throw std::runtime_error("WebSocket send failed: " + (done ? result.message() : std::string("timed out")));
}

std::optional<nlohmann::json> WsClient::next(std::chrono::milliseconds timeout) {
  pump([this] { return !inbox_.empty() || closed_; }, Clock::now() + timeout);
  if (inbox_.empty()) return std::nullopt;
  auto text = std::move(inbox_.front());
  inbox_.pop_front();
  return nlohmann::json::parse(text, nullptr, false);
}

std::optional<nlohmann::json> WsClient::next_matching(const std::function<bool(const nlohmann::json&)>& match,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto msg = next(std::max(left, std::chrono::milliseconds(0)));
    if (!msg) return std::nullopt;
    if (match(*msg)) return msg;
  }
}

std::optional<nlohmann::json> WsClient::next_of_type(std::string_view type, std::chrono::milliseconds timeout) {
  return next_matching(
      [type](const nlohmann::json& m) {
        if (!m.is_object()) return false;
        auto it = m.find("type");
        return it != m.end() && it->is_string() && it->get_ref<const std::string&>() == type;
      },
      timeout);
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!closed_) {
    if (!pump([this] { return !inbox_.empty() || closed_; }, deadline)) return false;
    inbox_.clear();
  }
  return true;
}

nlohmann::json wss_first_message(std::uint16_t port, const std::string& target, net::ssl::context& tls,
                                 std::chrono::milliseconds timeout) {
  net::io_context io;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, tls);
  auto& tcp = beast::get_lowest_layer(ws);
  beast::flat_buffer buffer;
  beast::error_code result;
  const char* step = "connect";
  tcp.expires_after(timeout);  // one deadline for the whole exchange
  tcp.async_connect(net::ip::tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), port}, [&](beast::error_code ec) {
    if ((result = ec)) return;
    step = "TLS handshake";
    ws.next_layer().async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec2) {
      if ((result = ec2)) return;
      step = "WebSocket handshake";
      ws.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec3) {
        if ((result = ec3)) return;
        step = "read";
        ws.async_read(buffer, [&](beast::error_code ec4, std::size_t) {
          result = ec4;
          tcp.close();
        });
      });
    });
  });
  io.run();
  if (result)
    throw std::runtime_error("wss://127.0.0.1:" + std::to_string(port) + target + ": " + step +
                             " failed: " + result.message());
  return nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
}

}  // namespace meridian::e2e
