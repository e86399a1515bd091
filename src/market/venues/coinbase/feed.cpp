#include "meridian/market/venues/coinbase/feed.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <stdexcept>

#include "../../venue_feed.hpp"
#include "meridian/market/venues/coinbase/messages.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::market::venue {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using transport::Backoff;
using transport::HttpResult;
using transport::HttpsClient;
using transport::rate_limit_wait;
using transport::WallClock;

namespace {
constexpr core::Duration kMinute = std::chrono::minutes(1);
constexpr std::chrono::minutes kMaxCandles{300};  // Coinbase's limit per candles request
}  // namespace

struct CoinbaseFeed::Impl : std::enable_shared_from_this<CoinbaseFeed::Impl>, VenueFeedState {
  struct Product {
    core::SymbolId symbol = 0;
    std::string product;
    std::optional<std::int64_t> last_trade;
    std::optional<core::Timestamp> last_ts;  // of the last tick delivered
    core::Timestamp covered_until{};         // end of the last minute delivered from candles
    bool backfill = true;                    // candles due before the next ticker
  };

  Impl(asio::any_io_executor ex, CoinbaseConfig c)
      : VenueFeedState(std::move(ex), "coinbase"),
        config(std::move(c)),
        client(strand, config.tls, config.timeouts),
        timer(strand),
        backoff(config.backoff) {
    std::string error;
    if (!transport::parse_secure_url(config.base_url, error)) throw std::invalid_argument("--coinbase-url: " + error);
    while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
    config.backfill = std::clamp(config.backfill, std::chrono::minutes(0), kMaxCandles);
    for (const auto& p : config.products) products.push_back({p.symbol, p.product, {}, {}, {}, true});
  }

  // ---- the poll cycle: one request at a time, products in order, then wait for the next poll.

  void begin() { begin_cycle(); }

  void halt() {
    timer.cancel();
    client.cancel();
  }

  void on_subscribe(const std::vector<core::SymbolId>& ids) {
    for (auto& p : products)
      // Back after an absence: the minutes missed meanwhile come from candles.
      if (!filter.wants(p.symbol) && std::find(ids.begin(), ids.end(), p.symbol) != ids.end() && p.last_ts)
        p.backfill = true;
    filter.subscribe(ids);
  }

  void on_unsubscribe(const std::vector<core::SymbolId>& ids) { filter.unsubscribe(ids); }

  void begin_cycle() {
    if (!running) return;
    cycle_start = std::chrono::steady_clock::now();
    next = 0;
    step();
  }

  void step() {
    if (!running) return;
    while (next < products.size() && !filter.wants(products[next].symbol)) ++next;
    if (next == products.size()) return wait_until(cycle_start + config.poll, [](Impl& self) { self.begin_cycle(); });
    auto& p = products[next];
    if (p.backfill && config.backfill.count() > 0)
      request_candles(p);
    else
      request_ticker();
  }

  void request_ticker() {
    const auto url = config.base_url + "/products/" + products[next].product + "/ticker";
    client.get(url, [self = shared_from_this()](HttpResult r) { self->on_ticker(std::move(r)); });
  }

  void request_candles(Product& p) {
    const auto end = core::now();
    auto start = end - std::chrono::duration_cast<core::Duration>(config.backfill);
    // After a gap only the minutes after the last one delivered are missing.
    if (p.last_ts) start = std::max(start, core::floor_to(*p.last_ts, kMinute) + kMinute);
    if (end - start < kMinute) {
      p.backfill = false;
      return step();
    }
    const auto url = config.base_url + "/products/" + p.product +
                     "/candles?granularity=60&start=" + core::to_iso8601(start) + "&end=" + core::to_iso8601(end);
    client.get(url, [self = shared_from_this()](HttpResult r) { self->on_candles(std::move(r)); });
  }

  void on_ticker(HttpResult r) {
    if (!running || handled_as_failure(r, false)) return;
    auto& p = products[next];
    auto parsed = parse_coinbase_ticker(r.response.body);
    if (auto* e = std::get_if<ParseError>(&parsed)) {
      bad_answer(p, "ticker", e->what);
    } else {
      deliver_ticker(p, std::get<CoinbaseTicker>(parsed));
      recovered();
    }
    ++next;
    step();
  }

  void deliver_ticker(Product& p, const CoinbaseTicker& t) {
    if (p.last_trade && *p.last_trade == t.trade_id) return;  // unchanged since the last poll
    p.last_trade = t.trade_id;
    if (p.last_ts && t.time < *p.last_ts) {
      // A trade inside minutes already delivered as candles is in those candles, not out of order.
      if (t.time >= p.covered_until) {
        bad_rows.fetch_add(1, std::memory_order_relaxed);
        market_log()->debug("coinbase {}: trade {} at {} is older than the last tick ({}), dropped", p.product,
                            t.trade_id, core::to_iso8601(t.time), core::to_iso8601(*p.last_ts));
      }
      return;
    }
    core::Tick tick;
    tick.symbol = p.symbol;
    tick.ts = t.time;
    tick.last = t.price;
    tick.bid = t.bid.is_zero() ? t.price : t.bid;
    tick.ask = t.ask.is_zero() ? t.price : t.ask;
    tick.volume = t.size;  // the ticker shows the last trade only: its size is the volume seen
    p.last_ts = t.time;
    deliver({&tick, 1});
  }

  void on_candles(HttpResult r) {
    if (!running || handled_as_failure(r, true)) return;
    auto& p = products[next];
    p.backfill = false;  // a bad answer is not retried in a loop; the next gap asks again
    auto parsed = parse_coinbase_candles(r.response.body, p.symbol);
    if (auto* e = std::get_if<ParseError>(&parsed)) {
      bad_answer(p, "candles", e->what);
      return step();
    }
    auto& candles = std::get<CoinbaseCandles>(parsed);
    bad_rows.fetch_add(candles.bad_rows, std::memory_order_relaxed);
    const auto now = core::now();
    const auto from = p.last_ts ? core::floor_to(*p.last_ts, kMinute) + kMinute : core::Timestamp::min();
    std::vector<core::Bar> bars;
    for (const auto& b : candles.bars)
      // Only closed minutes: the current one is still moving and the ticker covers it.
      if (b.open_time >= from && b.open_time + kMinute <= now) bars.push_back(b);
    const auto ticks = bars_as_ticks(bars);
    if (!ticks.empty()) {
      p.last_ts = ticks.back().ts;
      p.covered_until = bars.back().open_time + kMinute;
      deliver(ticks);
      market_log()->info("coinbase {}: backfilled {} one-minute candles", p.product, bars.size());
    }
    recovered();
    step();
  }

  // ---- failures

  // Transport errors, server errors and rate limits: true when handled here (the request is
  // retried after a wait). A complete 2xx/4xx answer returns false with `connected` set.
  bool handled_as_failure(const HttpResult& r, bool candles) {
    const auto& product = products[next].product;
    if (!r.ok() || r.response.status >= 500) {
      connected = false;
      const auto why =
          r.ok() ? "HTTP " + std::to_string(r.response.status) + ": " + coinbase_error_message(r.response.body)
                 : r.error;
      const auto delay = backoff.next();
      failure(burst, "{} {}: {}; retrying in {} ms", product, candles ? "candles" : "ticker", why, delay.count());
      // Ticks were missed meanwhile: every product that had data fills the gap from candles.
      for (auto& p : products)
        if (p.last_ts) p.backfill = true;
      wait_until(std::chrono::steady_clock::now() + delay, [](Impl& self) { self.step(); });
      return true;
    }
    connected = true;
    if (const auto hold = rate_limit_wait(r.response, WallClock::now(), config.rate_limit)) {
      const bool limited = r.response.status == 429 || r.response.status == 418;
      if (limited) {
        failure(burst, "{}: rate limited (HTTP {}), waiting {} ms", product, r.response.status, hold->count());
        wait_until(std::chrono::steady_clock::now() + *hold, [](Impl& self) { self.step(); });
        return true;
      }
      hold_until = std::chrono::steady_clock::now() + *hold;  // answer usable; hold the next request
    }
    if (r.response.status / 100 != 2) {
      bad_answer(products[next], candles ? "candles" : "ticker",
                 "HTTP " + std::to_string(r.response.status) + ": " + coinbase_error_message(r.response.body));
      if (candles) {
        products[next].backfill = false;
      } else {
        ++next;
      }
      step();
      return true;
    }
    return false;
  }

  void bad_answer(const Product& p, const char* what, const std::string& why) {
    failure(burst, "{} {}: {}", p.product, what, why);
  }

  void recovered() {
    backoff.reset();
    note_recovery(burst);
  }

  // ---- plumbing

  template <class F>
  void wait_until(std::chrono::steady_clock::time_point when, F f) {
    timer.expires_at(after_hold(when));
    timer.async_wait([self = shared_from_this(), f](const boost::system::error_code& ec) {
      if (!ec && self->running) f(*self);
    });
  }

  CoinbaseConfig config;
  HttpsClient client;
  asio::steady_timer timer;
  Backoff backoff;
  BurstLog burst;
  std::vector<Product> products;
  std::size_t next = 0;
  std::chrono::steady_clock::time_point cycle_start{};
};

CoinbaseFeed::CoinbaseFeed(asio::any_io_executor strand, CoinbaseConfig config)
    : impl_(std::make_shared<Impl>(std::move(strand), std::move(config))) {}

CoinbaseFeed::~CoinbaseFeed() {
  // Handlers keep the state alive; not running they do nothing more. Destroy after stop() ran on
  // the strand (as OffStrandFeed does), so no handler is reaching the sink meanwhile.
  impl_->running = false;
}

void CoinbaseFeed::start(TickSink& sink) {
  start_feed(impl_, sink);
}

void CoinbaseFeed::stop() {
  stop_feed(impl_);
}

void CoinbaseFeed::subscribe(std::span<const core::SymbolId> symbols) {
  subscribe_feed(impl_, symbols);
}

void CoinbaseFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  unsubscribe_feed(impl_, symbols);
}

FeedHealth CoinbaseFeed::health() const noexcept {
  return impl_->health();
}

}  // namespace meridian::market::venue
