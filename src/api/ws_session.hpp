#pragma once
// One WebSocket client (chat-multi pattern): its own strand, one write in flight, a
// bounded queue where price and candle updates coalesce to the latest per symbol, and a
// close with 1008 for a client that still falls behind. A client of /ws follows every symbol
// until it subscribes; one of /ws/stream/{symbol} follows that symbol.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "meridian/api/http_types.hpp"
#include "meridian/api/ws_hub.hpp"

namespace meridian::api {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  static constexpr std::size_t kMaxQueue = 256;

  enum class Endpoint : std::uint8_t { main, stream };  // /ws, /ws/stream/{symbol}

  WsSession(boost::asio::ip::tcp::socket&& socket, WsHub& hub, Endpoint endpoint = Endpoint::main,
            core::SymbolId stream_symbol = 0);
  // The {symbol} of a "/ws/stream/{symbol}" request target, if it is one.
  static std::optional<std::string_view> stream_symbol(std::string_view target) noexcept;
  ~WsSession();

  void run(HttpRequest request);
  // Any thread. Dropped unless the target's audience includes this client and the client
  // follows the target's symbol; a message with a coalesce key replaces a queued one with
  // the same key unless a message of that symbol that does not coalesce is queued after it
  // (a closed candle is never overtaken by the next period's update).
  void send(std::shared_ptr<const std::string> message, WsTarget target = {});
  // Any thread.
  void close(boost::beast::websocket::close_code code, std::string reason);
  std::uint64_t id() const noexcept { return id_; }
  // One text message from the client, as read from the socket. Public for fuzz/ws_fuzz.cpp,
  // which drives it on a session whose socket never opened.
  void on_message(std::string_view text);

 private:
  struct Outgoing {
    std::shared_ptr<const std::string> message;
    int key = -1;
    int symbol = -1;
  };
  bool wants(const WsTarget& target) const noexcept;
  void greet_stream();
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void enqueue(Outgoing out);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void reply_error(std::string_view code, std::string_view message);
  void set_subscription(const std::vector<int>& symbols, bool subscribe);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  WsHub& hub_;
  std::shared_ptr<WsHub::Registry> registry_;
  std::uint64_t id_;
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  bool closing_ = false;
  std::vector<bool> subscribed_;  // per symbol; all true until the client subscribes
  bool filtered_ = false;
  Endpoint endpoint_;
  core::SymbolId stream_symbol_;
};

}  // namespace meridian::api
