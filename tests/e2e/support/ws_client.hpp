#pragma once
// A WebSocket client for end-to-end tests (Beast). One read is always outstanding; messages
// queue up in arrival order and next() waits for one with a deadline, so a test can read
// "whatever comes within N seconds" without cancelling a read halfway through a frame.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace meridian::e2e {

class WsClient {
 public:
  // Connects and completes the handshake; throws std::runtime_error on failure or timeout.
  explicit WsClient(std::uint16_t port, std::string target = "/ws",
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const nlohmann::json& message);  // throws on failure
  void send_text(const std::string& text);

  // The next message as JSON (discarded when it is not JSON), or nullopt when none arrives
  // before the deadline or the connection is closed.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout);
  // Skips messages until one satisfies `match`; nullopt at the deadline or on close.
  std::optional<nlohmann::json> next_matching(const std::function<bool(const nlohmann::json&)>& match,
                                              std::chrono::milliseconds timeout);
  std::optional<nlohmann::json> next_of_type(std::string_view type, std::chrono::milliseconds timeout);

  bool closed() const noexcept { return closed_; }
  // Reads (and drops) messages until the server closes the connection; false at the deadline.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Why the connection ended ("" while open).
  std::string close_error() const { return closed_ ? error_.message() : std::string(); }

 private:
  using Clock = std::chrono::steady_clock;
  void start_read();
  // Runs handlers until `done` holds or the deadline passes; returns done().
  bool pump(const std::function<bool()>& done, Clock::time_point deadline);

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  bool closed_ = false;
  boost::beast::error_code error_;
};

// wss://: connects to 127.0.0.1:`port` with `tls` (the client's context), completes the TLS and
// WebSocket handshakes for `target` and returns the first message the server sends (JSON; a
// discarded value when it is not). Throws std::runtime_error when a handshake fails or nothing
// arrives before `timeout`.
nlohmann::json wss_first_message(std::uint16_t port, const std::string& target, boost::asio::ssl::context& tls,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace meridian::e2e
