#pragma once
// One WebSocket client (chat-multi pattern): its own strand, one write in flight, a
// bounded queue where price updates coalesce to the latest per symbol, and a close with
// 1008 for a client that still falls behind.
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

  WsSession(boost::asio::ip::tcp::socket&& socket, WsHub& hub);
  ~WsSession();

  void run(HttpRequest request);
  // Any thread. A message with a coalesce key (>= 0, the symbol) replaces a queued one
  // with the same key, and is dropped if the client did not subscribe to that symbol.
  void send(std::shared_ptr<const std::string> message, int coalesce_key = -1);
  // Any thread.
  void close(boost::beast::websocket::close_code code, std::string reason);
  std::uint64_t id() const noexcept { return id_; }

 private:
  struct Outgoing {
    std::shared_ptr<const std::string> message;
    int key;
  };
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_message(std::string_view text);
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
};

}  // namespace meridian::api
