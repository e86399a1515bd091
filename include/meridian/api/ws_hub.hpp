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
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
    seed_price = 32,                     // /ws clients that take seed 002's `price` messages
    seed_quote = 64,                     // /ws clients that take seed 002's `quote` messages
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

// A message's place in its topic's stream: the hub stamps "topic" and "seq" into its text once,
// and sessions use the pair to drop a live copy of what a replay already gave them.
struct WsStamp {
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  std::uint32_t topic = none;  // the hub's topic id
  std::uint64_t seq = 0;
};

// One message of a publish cycle, shared by every session it goes to.
struct WsBatchItem {
  std::shared_ptr<const std::string> text;
  WsTarget target;
  WsStamp stamp;
};

// Coalescing keys: one per symbol and kind of update.
enum class WsUpdate : int { price, candle_1m, candle_15m, candle_1h, seed_price, seed_quote, kinds };
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
  // Per topic that never skips (trades, orders, signals, session, bars): how many messages the
  // hub keeps for clients that resume (--ws-replay). Price and candle topics keep their latest.
  std::size_t replay_entries = 1024;
};

class WsHub {
 public:
  WsHub(boost::asio::io_context& io, ApiContext& ctx, WsLimits limits = {});
  ~WsHub();

  // Subscribes to the engine's bus; call before the engine starts.
  void attach(engine::EventBus& bus);
  // Sessions share the registry, so one destroyed after the hub still leaves safely.
  struct Registry {
    std::mutex mutex;  // guards sessions only; never held while sending
    std::unordered_map<std::uint64_t, std::weak_ptr<WsSession>> sessions;
    std::atomic<std::uint64_t> slow_closed{0};  // clients closed with 1008 for falling behind
    // Written to clients' sockets (WsSession::on_write): messages and their payload bytes.
    std::atomic<std::uint64_t> messages_sent{0};
    std::atomic<std::uint64_t> bytes_sent{0};
  };
  void join(const std::shared_ptr<WsSession>& session);
  std::shared_ptr<Registry> registry() const noexcept { return registry_; }
  // Shutdown: every session gets a close frame (going away).
  void close_all();
  std::size_t clients() const;
  std::uint64_t slow_clients_closed() const noexcept { return registry_->slow_closed.load(std::memory_order_relaxed); }
  std::uint64_t messages_sent() const noexcept { return registry_->messages_sent.load(std::memory_order_relaxed); }
  std::uint64_t bytes_sent() const noexcept { return registry_->bytes_sent.load(std::memory_order_relaxed); }
  // Sessions that take seed 002's `price`/`quote` messages (WsSession counts itself in and
  // out): with none, the hub builds none.
  void count_seed_price_clients(int delta) noexcept { seed_price_clients_.fetch_add(delta, std::memory_order_relaxed); }
  std::uint64_t next_id() noexcept { return ++last_id_; }
  ApiContext& context() noexcept { return ctx_; }
  const WsLimits& limits() const noexcept { return limits_; }

  // A message from outside the engine's events (a backtest's progress): any thread. It is
  // stamped with a seq of `topic` (a JSON object's text gains "topic" and "seq"); without one,
  // the topic is "events:<portfolio>" for a portfolio's message, "user:<id>" for a user's, else
  // "events".
  void publish(std::shared_ptr<const std::string> message, WsTarget target, std::string_view topic = {});

  // What a client that saw each topic up to a seq missed (resume), or the topic's current
  // state (subscribe: seq = nullopt): on the session's strand. Per topic, in order, the
  // messages after `seq` the ring still holds, or else a `snapshot`; then, with `acknowledge`,
  // a `resumed` message with every topic's seq now. With `join` the session joins the hub in
  // the same step, so no live message falls between. Visibility is the session's, as for live
  // messages. `default_portfolio`: what a bare "trades" (...) names. Returns the first name
  // that is no topic (nothing sent then).
  struct Since {
    std::string topic;
    std::optional<std::uint64_t> seq;  // nullopt: a snapshot whatever was seen
  };
  std::optional<std::string> resume(const std::shared_ptr<WsSession>& session, const std::vector<Since>& since,
                                    bool join, std::int64_t default_portfolio, bool acknowledge);

  // Messages built once and shared by REST-free callers (the `connected` greeting).
  static std::string status_message(std::string_view type, const engine::Snapshot& snap, const char* key = "data");
  // Seed 003's `candle` (1m), `candle_15m` and `candle_1h` (`stream.type`): the candle's
  // fields at the top level (so `ts` is its open time), with symbol, timeframe and whether
  // its period is over.
  static std::string candle_message(const CandleStream& stream, const core::Bar& bar, const core::Instrument& inst,
                                    bool closed);

 private:
  void on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap);
  struct Topic;
  // The id of the topic `key` (a packed WsTopicKey) or `name` (other topics), made on first use.
  std::uint32_t topic_id(std::uint64_t key);
  std::uint32_t named_topic(std::string_view name, const WsTarget& target);
  // Stamps each variant's text with the topic's next seq (one seq for all: variants are one
  // event for audiences that never overlap), keeps them for replay and sends them.
  struct Variant {
    std::string text;
    WsTarget target;
  };
  void emit(std::uint32_t topic, std::initializer_list<Variant> variants);
  // A message that goes with the topic's latest event to audiences that also got that event
  // (seed 002's `price`/`quote` beside `priceUpdate`): stamped with the same topic and seq, sent
  // outside the sessions' seq bookkeeping (which would drop a second message of one seq) and
  // not kept for replay (a resume replays the topic's own message).
  void emit_alongside(std::uint32_t topic, const std::string& text, const WsTarget& target);
  void emit_locked(Topic& topic, std::uint32_t id, std::shared_ptr<const std::string> text, const WsTarget& target);
  void broadcast(const std::shared_ptr<const std::string>& message, const WsTarget& target, WsStamp stamp);
  // A publish cycle (one PricesMoved or BarClosed: tens of messages): what `emit_all` emits
  // reaches each session in one hand-off (WsSession::send_batch), not one per message.
  template <class F>
  void cycle(F&& emit_all);
  void on_prices(const engine::Snapshot& snap);
  void on_bar(const core::Bar& bar);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ApiContext& ctx_;
  WsLimits limits_;
  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::atomic<std::uint64_t> last_id_{0};
  std::vector<std::uint64_t> last_ticks_;  // hub strand only: per-symbol tick count last broadcast
  // Stamping, the rings and fan-out happen under it, so each topic's seqs reach every session
  // in order and a resume or join is one step against them.
  std::mutex publish_mutex_;
  std::vector<std::unique_ptr<Topic>> topics_;              // by id
  std::unordered_map<std::uint64_t, std::uint32_t> keyed_;  // packed WsTopicKey -> id
  std::unordered_map<std::string, std::uint32_t> named_;    // other topics' names -> id
  std::atomic<int> seed_price_clients_{0};
  std::vector<WsBatchItem>* cycle_ = nullptr;  // while a cycle runs: where emits go, sent at its end
};

}  // namespace meridian::api
