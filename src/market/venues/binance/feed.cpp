#include "meridian/market/venues/binance/feed.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <stdexcept>

#include "../../venue_feed.hpp"
#include "meridian/market/replay_feed.hpp"
#include "meridian/market/venues/binance/klines.hpp"
#include "meridian/market/venues/binance/stream.hpp"
#include "meridian/market/venues/binance/symbols.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::market::venue {

namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;
using transport::Backoff;
using transport::HttpResult;
using transport::HttpsClient;
using transport::rate_limit_wait;
using transport::WallClock;

namespace {

constexpr core::Timeframe kTf = core::Timeframe::m1;
constexpr std::size_t kMaxHeldTicks = 100'000;  // per symbol while its backfill runs
// Failed answers (network, 5xx, 429) to one range before it is given up: the symbol's live ticks
// wait for its backfill, so a REST outage must not hold them back for good.
constexpr int kMaxAttempts = 5;

std::string trimmed(std::string url, const char* flag) {
  std::string error;
  if (!transport::parse_secure_url(url, error)) throw std::invalid_argument(std::string(flag) + ": " + error);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

struct BinanceFeed::Impl : std::enable_shared_from_this<BinanceFeed::Impl>, VenueFeedState {
  // Bars [start, end) of one symbol to fetch over REST; paged forward through `start`.
  struct Job {
    core::SymbolId symbol = 0;
    core::Timestamp start{};
    core::Timestamp end{};
    std::optional<core::Timestamp> last_open;  // of the last bar delivered
    // The unfinished bar whose volume already went out as live ticks when the gap was seen.
    std::optional<core::Timestamp> partial_open{};
    core::Quantity partial_volume{};
    int failures = 0;
    // Live ticks of the symbol that came after this range was found missing (and before a later
    // range of it was): they go out once this range's bars have.
    std::vector<core::Tick> held{};
  };
  struct Symbol {
    std::optional<core::Timestamp> partial_open;  // the unfinished bar whose volume went out as ticks
    core::Quantity partial_volume{};
  };

  Impl(asio::any_io_executor ex, BinanceConfig c)
      : VenueFeedState(std::move(ex), "binance"),
        config(std::move(c)),
        instruments(config.instruments ? config.instruments
                                       : throw std::invalid_argument("binance feed: no instrument table")),
        map(binance::symbol_map(*instruments)),
        stream(map, kTf),
        client(strand, config.tls, config.timeouts),
        timer(strand),
        backoff(config.backoff),
        symbols(instruments->size()) {
    config.ws_base = trimmed(config.ws_base, "--binance-ws-url");
    config.rest_base = trimmed(config.rest_base, "--binance-rest-url");
    if (config.ws_base.rfind("wss://", 0) != 0) throw std::invalid_argument("--binance-ws-url must be wss://");
    if (config.rest_base.rfind("https://", 0) != 0) throw std::invalid_argument("--binance-rest-url must be https://");
    for (const auto& i : instruments->all())
      if (!map.venue_symbol_of(i.id).empty()) served.push_back(i.id);
    if (served.empty()) throw std::invalid_argument("--feed binance: no configured crypto symbol");
    (void)transport::make_client_tls(config.tls);  // an unusable CA file is a start-up error, not a reconnect loop
  }

  // ---- the stream

  std::vector<core::SymbolId> wanted() const {
    std::vector<core::SymbolId> out;
    for (const auto id : served)
      if (filter.wants(id)) out.push_back(id);
    return out;
  }

  // (Re)opens the stream for the wanted symbols; the old connection, if any, is dropped.
  void connect() {
    if (ws) ws->stop();
    ws.reset();
    connected = false;
    const auto ids = wanted();
    streamed = ids;
    if (!running || ids.empty()) return;
    ws = std::make_unique<transport::WssClient>(
        strand, wss_options(config.ws_base + binance::combined_stream_path(map, ids, kTf), config),
        wss_handlers(weak_from_this()));
    ws->start();
  }

  void on_open() {
    connected = true;
    note_recovery(stream_burst, "stream");
  }

  void on_disconnect(std::string_view why) {
    connected = false;
    stream_failure("stream lost: " + std::string(why));
  }

  void on_frame(std::string_view text) {
    if (!running) return;
    auto ev = stream.on_text(text);
    const auto& m = ev.message;
    if (m.kind == binance::StreamKind::ack) return;
    if (m.kind == binance::StreamKind::venue_error)
      return stream_failure("venue error " + std::to_string(m.venue.code) + ": " + m.venue.message);
    if (m.kind != binance::StreamKind::kline)
      return stream_failure("frame not used (" + std::string(to_string(m.error)) +
                            "): " + std::string(text.substr(0, 120)));
    if (ev.sequence == Sequence::out_of_order) {
      bad_rows.fetch_add(1, std::memory_order_relaxed);
      market_log()->debug("binance {}: kline update older than the last one, dropped",
                          map.venue_symbol_of(m.kline.symbol));
      return;
    }
    if (!ev.tick || !filter.wants(m.kline.symbol)) return;  // a repeat, or a symbol being dropped
    auto& s = symbols[m.kline.symbol];
    if (ev.gap) enqueue({m.kline.symbol, ev.gap->start, ev.gap->end, {}, s.partial_open, s.partial_volume, 0, {}});
    s.partial_open = m.kline.open_time;
    s.partial_volume = m.kline.volume;
    if (m.kline.closed) s.partial_open.reset();
    if (auto* job = last_job(m.kline.symbol)) {
      // Older bars are still being fetched: this tick goes out after them.
      if (job->held.size() < kMaxHeldTicks) job->held.push_back(*ev.tick);
      return;
    }
    deliver({&*ev.tick, 1});
  }

  void stream_failure(const std::string& why) { failure(stream_burst, "{}", why); }

  // ---- REST backfill: one request at a time, jobs in order.

  Job* last_job(core::SymbolId id) {
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it)
      if (it->symbol == id) return &*it;
    return nullptr;
  }

  void enqueue(Job j) {
    if (j.end <= j.start) return;
    jobs.push_back(j);
    if (!busy) request();
  }

  void request() {
    if (!running || jobs.empty()) return;
    busy = true;
    const auto& j = jobs.front();
    const auto url = config.rest_base + binance::klines_path(map.venue_symbol_of(j.symbol), kTf, j.start, j.end);
    client.get(url, [self = shared_from_this()](HttpResult r) { self->on_klines(std::move(r)); });
  }

  void on_klines(HttpResult r) {
    if (!running || jobs.empty()) return;
    auto& j = jobs.front();
    const auto sym = map.venue_symbol_of(j.symbol);
    if (!r.ok() || r.response.status >= 500) {
      const auto delay = backoff.next();
      rest_failure(std::string(sym), r.ok() ? "HTTP " + std::to_string(r.response.status) : r.error);
      return retry_or_give_up(j, Steady::now() + delay);
    }
    if (const auto hold = rate_limit_wait(r.response, WallClock::now(), config.rate_limit)) {
      if (r.response.status == 429 || r.response.status == 418) {
        rest_failure(std::string(sym), "rate limited (HTTP " + std::to_string(r.response.status) + "), waiting " +
                                           std::to_string(hold->count()) + " ms");
        hold_until = Steady::now() + *hold;  // also for the next range if this one is given up
        return retry_or_give_up(j, *hold_until);
      }
      hold_until = Steady::now() + *hold;  // this answer is usable; the next request waits
    }
    auto page = binance::parse_klines(r.response.body, j.symbol, kTf, core::now());
    if (r.response.status / 100 != 2 || page.error != MessageError::none) {
      // Not retried: the same question would get the same answer. The gap stays unfilled.
      const auto why = page.error == MessageError::venue_error
                           ? "venue error " + std::to_string(page.venue.code) + ": " + page.venue.message
                           : std::string(to_string(page.error));
      rest_failure(std::string(sym), "HTTP " + std::to_string(r.response.status) + ", " + why);
      return finish_job();
    }
    backoff.reset();
    note_recovery(rest_burst, "klines");
    deliver_bars(j, page.bars);
    const auto next_start = page.next_start;
    if (next_start && *next_start > j.start && *next_start < j.end) {
      j.start = *next_start;
      return retry_at(Steady::now());
    }
    if (j.last_open)
      market_log()->info("binance {}: backfilled one-minute bars up to {}", sym, core::to_iso8601(*j.last_open));
    finish_job();
  }

  void retry_or_give_up(Job& j, Steady::time_point when) {
    if (++j.failures < kMaxAttempts) return retry_at(when);
    market_log()->warn("binance {} klines: giving up on the bars from {} after {} failed answers",
                       map.venue_symbol_of(j.symbol), core::to_iso8601(j.start), j.failures);
    finish_job();
  }

  void deliver_bars(Job& j, const std::vector<core::Bar>& page) {
    std::vector<core::Bar> bars;
    for (auto b : page) {
      if (b.open_time < j.start || b.open_time >= j.end) continue;
      // Part of this bar already went out as live ticks: only the rest of its volume is new.
      if (j.partial_open == b.open_time) b.volume = std::max(core::Quantity{}, b.volume - j.partial_volume);
      bars.push_back(b);
    }
    if (!bars.empty()) j.last_open = bars.back().open_time;
    deliver(bars_as_ticks(bars));
  }

  void finish_job() {
    busy = false;
    const auto j = std::move(jobs.front());
    jobs.pop_front();
    if (j.last_open) stream.sequencer().resume_after(j.symbol, *j.last_open);
    if (filter.wants(j.symbol)) deliver(j.held);
    if (!jobs.empty()) retry_at(Steady::now());
  }

  void rest_failure(const std::string& symbol, const std::string& why) {
    failure(rest_burst, "{} klines: {}", symbol, why);
  }

  void retry_at(Steady::time_point when) {
    busy = true;
    timer.expires_at(after_hold(when));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && self->running) self->request();
    });
  }

  // ---- lifecycle

  void begin() {
    if (!running) return;
    if (config.backfill.count() > 0) {
      const auto end = core::floor_to(core::now(), core::period_of(kTf));
      const auto start = end - std::chrono::duration_cast<core::Duration>(config.backfill);
      for (const auto id : wanted()) enqueue({id, start, end, {}, {}, {}, 0, {}});
    }
    connect();
  }

  void halt() {
    timer.cancel();
    client.cancel();
    if (ws) ws->stop();
    connected = false;
    // A later start() begins afresh: its own start backfill, no ticks held from before.
    jobs.clear();
    busy = false;
    hold_until.reset();
  }

  // After a subscription change: reconnect when the stream list changed. A symbol back after
  // an absence gets its missed bars through the sequencer's gap on its first kline.
  void resubscribe() {
    if (!running || wanted() == streamed) return;
    connect();
  }

  void on_subscribe(const std::vector<core::SymbolId>& ids) {
    filter.subscribe(ids);
    resubscribe();
  }

  void on_unsubscribe(const std::vector<core::SymbolId>& ids) {
    filter.unsubscribe(ids);
    resubscribe();
  }

  BinanceConfig config;
  std::shared_ptr<const core::InstrumentTable> instruments;
  binance::SymbolMap map;
  binance::KlineStream stream;
  HttpsClient client;
  asio::steady_timer timer;
  Backoff backoff;
  BurstLog stream_burst;
  BurstLog rest_burst;
  std::vector<core::SymbolId> served;    // ids with a Binance symbol
  std::vector<core::SymbolId> streamed;  // ids of the open stream
  std::vector<Symbol> symbols;           // by id
  std::deque<Job> jobs;
  bool busy = false;  // a request or a wait before one is under way
  std::unique_ptr<transport::WssClient> ws;
};

BinanceFeed::BinanceFeed(asio::any_io_executor strand, BinanceConfig config)
    : impl_(std::make_shared<Impl>(std::move(strand), std::move(config))) {}

BinanceFeed::~BinanceFeed() {
  // Handlers keep the state alive; not running they do nothing more. Destroy after stop() ran on
  // the strand (as OffStrandFeed does), so no handler is reaching the sink meanwhile.
  impl_->running = false;
}

void BinanceFeed::start(TickSink& sink) {
  start_feed(impl_, sink);
}

void BinanceFeed::stop() {
  stop_feed(impl_);
}

void BinanceFeed::subscribe(std::span<const core::SymbolId> symbols) {
  subscribe_feed(impl_, symbols);
}

void BinanceFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  unsubscribe_feed(impl_, symbols);
}

FeedHealth BinanceFeed::health() const noexcept {
  return impl_->health();
}

}  // namespace meridian::market::venue
