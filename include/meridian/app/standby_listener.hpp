#pragma once
// What a hot standby serves while another daemon holds its portfolio: GET /health answers 503
// {"status":"standby", ...} so an operator or a health check can see the standby is alive and
// why it does not serve, and a load balancer never routes to it; every other request gets the
// API's error shape (503 `standby`, Retry-After). One request per connection, no keep-alive,
// small bounded reads: it exists to say "not me", not to serve.
//
// Contract: runs on the io_context that wait_for_portfolio() runs; close() before the real
// listener binds the same port (handlers left pending complete as aborted on a later run and
// touch nothing but shared state). Plain HTTP only: with TLS configured the standby does not
// listen (the STATUS= line and the log still say standby).
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace meridian::app {

class StandbyListener {
 public:
  // Binds host:port (reuse_address, as the real listener, which takes the port over). Throws
  // boost::system::system_error when the port cannot be bound (another daemon on this host has
  // it: the caller logs and waits without listening).
  StandbyListener(boost::asio::io_context& io, const std::string& host, std::uint16_t port, std::string reason);
  ~StandbyListener();
  StandbyListener(const StandbyListener&) = delete;
  StandbyListener& operator=(const StandbyListener&) = delete;

  std::uint16_t port() const noexcept;
  // Stops accepting and closes the socket, so the port is free for the real listener.
  void close();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace meridian::app
