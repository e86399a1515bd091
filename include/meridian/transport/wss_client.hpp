#pragma once
// A WebSocket-over-TLS client for streams that stays connected: pings while the server is
// quiet, treats a silent server (no frame, not even a pong, within the idle timeout) as a stall,
// and after any loss (stall, server close, network error, failed connect) reconnects after a
// jittered exponential backoff. Runs on the executor it is given; Beast stays out of this header.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/transport/backoff.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::transport {

struct WssOptions {
  std::string url;  // wss://host[:port]/path?query
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{5'000};  // resolve, TCP connect, TLS and WS handshakes, each
  // With nothing received for half of this a ping is sent; with nothing for all of it the
  // connection is dropped as stalled.
  std::chrono::milliseconds idle_timeout{30'000};
  BackoffConfig backoff;
  // Optional: asked on the executor before every connect (the first and each reconnect) for the
  // request target (path and query) to open instead of the URL's; it answers through the
  // callback on the executor. A stream whose URL carries a session key (Binance's listenKey)
  // gets a fresh one each time. nullopt: this attempt failed (on_disconnect says `why`, then
  // the backoff, then it is asked again). An answer after stop() is ignored.
  using TargetDone = std::function<void(std::optional<std::string> target, std::string why)>;
  std::function<void(TargetDone)> target_source;
};

class WssClient {
 public:
  struct Handlers {
    std::function<void()> on_open;                            // connected and upgraded (each time)
    std::function<void(std::string_view)> on_message;         // one text or binary frame
    std::function<void(std::string_view why)> on_disconnect;  // a connection lost or a connect failed
  };

  // Throws std::invalid_argument for a bad URL or an unloadable CA file.
  WssClient(boost::asio::any_io_executor executor, WssOptions options, Handlers handlers);
  ~WssClient();  // stops; call on the executor, or after stop() there or once it no longer runs
  WssClient(const WssClient&) = delete;
  WssClient& operator=(const WssClient&) = delete;

  // Call on the executor.
  void start();
  void stop();
  // Queued and sent in order while connected; dropped when not (a subscription is re-sent from
  // on_open anyway).
  void send(std::string text);

  // Any thread.
  bool connected() const noexcept;
  std::uint64_t connects() const noexcept;  // successful opens so far

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::transport
