#pragma once
// What the three venue feeds (Coinbase, Binance, Alpaca) share, so each feed holds only its
// venue's logic: the counters behind health() (FeedCounters), the sink and the running flag,
// delivery, the subscribed symbols, failures counted and logged once per burst, the rate-limit
// hold before the next request, closed bars replayed as ticks, the stream client's options and
// handlers, and the public Feed calls posted onto the feed's strand. Internal to the market module.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "market_log.hpp"
#include "meridian/market/burst_log.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/market/symbol_filter.hpp"
#include "meridian/transport/wss_client.hpp"

namespace meridian::market::venue {

// The state every venue feed's Impl derives from. Written on the feed's strand; the counters
// and `running` are read from any thread.
struct VenueFeedState : FeedCounters {
  using Steady = std::chrono::steady_clock;

  VenueFeedState(boost::asio::any_io_executor ex, std::string_view name) : strand(std::move(ex)), log_name(name) {}

  // Ticks to the sink, counted; nothing once stopped (no tick reaches the sink after stop()).
  void deliver(std::span<const core::Tick> ticks) {
    if (ticks.empty() || sink == nullptr || !running) return;
    sink->on_ticks(ticks);
    tick_count.fetch_add(ticks.size(), std::memory_order_relaxed);
  }

  // A failure of the source (network, bad answer, bad message): counted in health().errors and
  // logged when it starts a burst (`burst`: one per kind of request the feed makes).
  template <class... Args>
  void failure(BurstLog& burst, fmt::format_string<Args...> what, Args&&... args) {
    errors.fetch_add(1, std::memory_order_relaxed);
    if (burst.failure(Steady::now()))
      market_log()->warn("{} {} ({} failures unreported; more are counted, not logged)", log_name,
                         fmt::format(what, std::forward<Args>(args)...), burst.unreported());
  }
  // A success: the end of a logged burst is logged with its count ("binance stream: recovered
  // after 3 failures").
  void note_recovery(BurstLog& burst, std::string_view what = {}) {
    if (const auto n = burst.success())
      market_log()->info("{}{}{}: recovered after {} failures", log_name, what.empty() ? "" : " ", what, n);
  }

  // The rate-limit hold: a request due at `when` waits until the venue's hold (if later) has
  // passed; the hold is spent by the request it delays.
  Steady::time_point after_hold(Steady::time_point when) {
    if (hold_until && *hold_until > when) when = *hold_until;
    hold_until.reset();
    return when;
  }

  boost::asio::any_io_executor strand;
  std::string_view log_name;  // "coinbase", "binance", "alpaca": the first word of its log lines
  TickSink* sink = nullptr;
  SymbolFilter filter;
  std::optional<Steady::time_point> hold_until;
  std::atomic<bool> running{false};
};

// Closed bars (in time order) as the four ticks per bar of the CSV replay (bar_ticks), each
// spread up to the next bar, so the engine's aggregation rebuilds each bar exactly.
std::vector<core::Tick> bars_as_ticks(std::span<const core::Bar> bars);

// The stream client's options from a feed config's connection fields.
template <class Config>
transport::WssOptions wss_options(std::string url, const Config& config) {
  transport::WssOptions o;
  o.url = std::move(url);
  o.tls = config.tls;
  o.connect_timeout = config.connect_timeout;
  o.idle_timeout = config.idle_timeout;
  o.backoff = config.backoff;
  return o;
}

// Stream handlers that reach the feed only while it lives and runs: the client may outlive a
// stop() by a handler or two. Impl has on_open(), on_frame(text) and on_disconnect(why).
template <class Impl>
transport::WssClient::Handlers wss_handlers(std::weak_ptr<Impl> weak) {
  transport::WssClient::Handlers h;
  h.on_open = [weak] {
    if (auto self = weak.lock(); self && self->running) self->on_open();
  };
  h.on_message = [weak](std::string_view text) {
    if (auto self = weak.lock(); self && self->running) self->on_frame(text);
  };
  h.on_disconnect = [weak](std::string_view why) {
    if (auto self = weak.lock(); self && self->running) self->on_disconnect(why);
  };
  return h;
}

// The public Feed calls of a venue feed, for an Impl deriving VenueFeedState with begin(),
// halt(), on_subscribe(ids) and on_unsubscribe(ids), which run on its strand.
template <class Impl>
void start_feed(const std::shared_ptr<Impl>& impl, TickSink& sink) {
  impl->sink = &sink;
  impl->running = true;
  boost::asio::post(impl->strand, [self = impl] { self->begin(); });
}

// Off the strand, in effect on it shortly after; on the strand no tick reaches the sink after
// it returns (deliver() checks `running`).
template <class Impl>
void stop_feed(const std::shared_ptr<Impl>& impl) {
  impl->running = false;
  impl->connected = false;
  boost::asio::post(impl->strand, [self = impl] { self->halt(); });
}

template <class Impl>
void subscribe_feed(const std::shared_ptr<Impl>& impl, std::span<const core::SymbolId> symbols) {
  boost::asio::post(impl->strand,
                    [self = impl, ids = std::vector(symbols.begin(), symbols.end())] { self->on_subscribe(ids); });
}

template <class Impl>
void unsubscribe_feed(const std::shared_ptr<Impl>& impl, std::span<const core::SymbolId> symbols) {
  boost::asio::post(impl->strand,
                    [self = impl, ids = std::vector(symbols.begin(), symbols.end())] { self->on_unsubscribe(ids); });
}

}  // namespace meridian::market::venue
