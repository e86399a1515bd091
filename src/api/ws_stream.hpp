#pragma once
// A WebSocket session's transport: WebSocket over plain TCP (ws://) or over TLS (wss://), as
// the HTTP connection that upgraded was. A thin variant rather than a template, so WsSession
// (and the hub that holds its sessions) stays one type: each operation is the same Beast call
// on whichever stream it holds. Call it as the websocket::stream it wraps: from the session's
// strand only.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <utility>
#include <variant>

#include "meridian/api/http_types.hpp"
#include "ws_wire.hpp"

namespace meridian::api {

class WsStream {
 public:
  // Under each, a WsWire: data messages go as pre-encoded frames (async_write_frames), Beast's
  // own frames through the same socket.
  using Plain = boost::beast::websocket::stream<WsWire<boost::beast::tcp_stream>>;
  using Tls = boost::beast::websocket::stream<WsWire<boost::beast::ssl_stream<boost::beast::tcp_stream>>>;
  using executor_type = boost::asio::any_io_executor;

  explicit WsStream(boost::asio::ip::tcp::socket&& socket) : ws_(std::in_place_type<Plain>, std::move(socket)) {}
  // A TLS stream whose handshake is done.
  explicit WsStream(boost::beast::ssl_stream<boost::beast::tcp_stream>&& stream)
      : ws_(std::in_place_type<Tls>, std::move(stream)) {}

  bool tls() const noexcept { return std::holds_alternative<Tls>(ws_); }
  executor_type get_executor() noexcept {
    return std::visit([](auto& ws) -> executor_type { return ws.get_executor(); }, ws_);
  }

  template <class Option>
  void set_option(Option option) {  // by value: a decorator can only be moved
    std::visit([&](auto& ws) { ws.set_option(std::move(option)); }, ws_);
  }
  void read_message_max(std::size_t bytes) {
    std::visit([&](auto& ws) { ws.read_message_max(bytes); }, ws_);
  }

  // Each starts one operation on the stream held; the handler runs as Beast's would.
  template <class Handler>
  void async_accept(const HttpRequest& request, Handler&& handler) {
    std::visit([&](auto& ws) { ws.async_accept(request, std::forward<Handler>(handler)); }, ws_);
  }
  template <class Handler>
  void async_read(boost::beast::flat_buffer& buffer, Handler&& handler) {
    std::visit([&](auto& ws) { ws.async_read(buffer, std::forward<Handler>(handler)); }, ws_);
  }
  // Whole frames (ws_frame.hpp), written in full before `done` (WsWire::async_write_frames).
  // After the handshake; the data messages of a session go this way only.
  void async_write_frames(const std::vector<boost::asio::const_buffer>& frames,
                          std::function<void(boost::beast::error_code, std::size_t)> done) {
    std::visit([&](auto& ws) { ws.next_layer().async_write_frames(frames, std::move(done)); }, ws_);
  }
  template <class Handler>
  void async_close(const boost::beast::websocket::close_reason& reason, Handler&& handler) {
    std::visit([&](auto& ws) { ws.async_close(reason, std::forward<Handler>(handler)); }, ws_);
  }

  // Closes the TCP connection underneath at once (no close handshake): a client that never
  // takes the close frame.
  void close_transport() {
    std::visit([](auto& ws) { boost::beast::get_lowest_layer(ws).close(); }, ws_);
  }

 private:
  std::variant<Plain, Tls> ws_;
};

}  // namespace meridian::api
