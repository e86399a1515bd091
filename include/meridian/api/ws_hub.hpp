#pragma once
// The WebSocket hub: turns engine events into messages, serialising each once, and fans
// them out to sessions outside any lock. Runs on its own strand so the engine strand
// only ever posts to it.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "meridian/api/api_context.hpp"

namespace meridian::api {

class WsSession;

// Who gets a hub message, and what it replaces in a client's queue.
struct WsTarget {
  enum Audience : std::uint8_t {
    main = 1,             // /ws clients
    main_subscribed = 2,  // /ws clients that subscribed to symbols (candle updates are opt-in there)
    stream = 4,           // /ws/stream/{symbol} clients
    everyone = main | stream,
    candles = main_subscribed | stream,  // who gets candle updates
    logs = 8,                            // /ws/logs clients (api/log_stream.hpp)
    strategies = 16,                     // /ws/strategies clients (api/strategy_stream.hpp)
  };
  int symbol = -1;    // >= 0: only clients following that symbol
  int coalesce = -1;  // >= 0: replaces a queued message with the same key (the latest is enough)
  std::uint8_t audience = everyone;
  // > 0: about that portfolio (orders, trades, signals, session, risk): only clients who may
  // see it get it. 0: public market data.
  std::int64_t portfolio = 0;
  // >= 0: about something of that user's (a backtest; 0: made with auth off): with auth
  // enforced only that user's clients and admins get it (may_see_owned). -1: no user's.
  std::int64_t user = -1;
  // What the endpoint's own filter reads (WsEndpointHooks): /ws/logs, the record's level and module.
  std::uint32_t tag = 0;
};

// Coalescing keys: one per symbol and kind of update.
enum class WsUpdate : int { price, candle_1m, candle_15m, candle_1h, kinds };
constexpr int coalesce_key(core::SymbolId symbol, WsUpdate kind) noexcept {
  return static_cast<int>(symbol) * static_cast<int>(WsUpdate::kinds) + static_cast<int>(kind);
}

// The timeframes seed 003 streams, with their message types.
struct CandleStream {
  core::Timeframe timeframe;
  const char* type;
  WsUpdate update;
};
inline constexpr CandleStream kCandleStreams[] = {{core::Timeframe::m1, "candle", WsUpdate::candle_1m},
                                                  {core::Timeframe::m15, "candle_15m", WsUpdate::candle_15m},
                                                  {core::Timeframe::h1, "candle_1h", WsUpdate::candle_1h}};

// When a client is too slow (WsSession), judged by what it owes and for how long, never by a
// message count: a burst (the journal flushing thousands of trades when the database comes
// back) fits in the byte budget and drains at wire speed, while a client that stops reading
// is closed with 1008 once it owes more than the budget or has made no progress (no write
// completed) for longer than `max_stall` with messages waiting.
struct WsLimits {
  std::size_t max_queued_bytes = std::size_t{4} << 20;  // per client, the messages' sizes plus bookkeeping
  std::chrono::milliseconds max_stall{10'000};
  // After a 1008 close is sent, how long the client may take to acknowledge it before the
  // connection is dropped (a client that does not read never sees the close frame).
  std::chrono::milliseconds close_grace{5'000};
};

class WsHub {
 public:
  WsHub(boost::asio::io_context& io, ApiContext& ctx, WsLimits limits = {});

  // Subscribes to the engine's bus; call before the engine starts.
  void attach(engine::EventBus& bus);
  // Sessions share the registry, so one destroyed after the hub still leaves safely.
  struct Registry {
    std::mutex mutex;  // guards sessions only; never held while sending
    std::unordered_map<std::uint64_t, std::weak_ptr<WsSession>> sessions;
    std::atomic<std::uint64_t> slow_closed{0};  // clients closed with 1008 for falling behind
  };
  void join(const std::shared_ptr<WsSession>& session);
  std::shared_ptr<Registry> registry() const noexcept { return registry_; }
  // Shutdown: every session gets a close frame (going away).
  void close_all();
  std::size_t clients() const;
  std::uint64_t slow_clients_closed() const noexcept { return registry_->slow_closed.load(std::memory_order_relaxed); }
  std::uint64_t next_id() noexcept { return ++last_id_; }
  ApiContext& context() noexcept { return ctx_; }
  const WsLimits& limits() const noexcept { return limits_; }

  // A message from outside the engine's events (a backtest's progress): any thread.
  void publish(std::shared_ptr<const std::string> message, WsTarget target) { broadcast(std::move(message), target); }

  // Messages built once and shared by REST-free callers (the `connected` greeting).
  static std::string status_message(std::string_view type, const engine::Snapshot& snap, const char* key = "data");
  // Seed 003's `candle` (1m), `candle_15m` and `candle_1h` (`stream.type`): the candle's
  // fields at the top level (so `ts` is its open time), with symbol, timeframe and whether
  // its period is over.
  static std::string candle_message(const CandleStream& stream, const core::Bar& bar, const core::Instrument& inst,
                                    bool closed);

 private:
  void on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap);
  void broadcast(std::shared_ptr<const std::string> message, WsTarget target = {});
  void on_prices(const engine::Snapshot& snap);
  void on_bar(const core::Bar& bar);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ApiContext& ctx_;
  WsLimits limits_;
  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::atomic<std::uint64_t> last_id_{0};
  std::vector<std::uint64_t> last_ticks_;  // hub strand only: per-symbol tick count last broadcast
};

}  // namespace meridian::api
