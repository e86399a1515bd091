#include "meridian/market/venues/alpaca/feed.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <stdexcept>

#include "../../venue_feed.hpp"
#include "meridian/market/replay_feed.hpp"
#include "meridian/market/venues/alpaca/bars.hpp"
#include "meridian/market/venues/alpaca/stream.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::market::venue {

namespace asio = boost::asio;
using transport::Backoff;
using transport::HttpResult;
using transport::HttpsClient;
using transport::rate_limit_wait;
using transport::WallClock;

namespace {
constexpr core::Duration kMinute = std::chrono::minutes(1);
// Live ticks of one symbol held while its backfill runs. Past this the backfill is too slow to
// be worth the delay: the ticks go out and the late bars are dropped (they would go back in time).
constexpr std::size_t kHeldLimit = 10'000;

}  // namespace

struct AlpacaFeed::Impl : std::enable_shared_from_this<AlpacaFeed::Impl>, VenueFeedState {
  struct Symbol {
    std::string venue;                       // "" : not listed on Alpaca
    std::optional<core::Timestamp> last_ts;  // latest tick delivered
    core::Timestamp covered_until{};         // end of the last minute delivered from bars
    bool pending = false;                    // a backfill is queued or running: live ticks wait
    std::vector<core::Tick> held;
  };
  struct Job {
    core::SymbolId symbol = 0;
    core::Timestamp start{}, end{};
    std::vector<core::Bar> bars;
  };

  Impl(asio::any_io_executor ex, AlpacaConfig c)
      : VenueFeedState(std::move(ex), "alpaca"),
        config(std::move(c)),
        symbols(alpaca::symbol_map(*config.instruments)),
        stream(symbols, config.key_id, config.secret_key),
        rest(strand, config.tls, config.timeouts),
        retry_timer(strand),
        rest_timer(strand),
        backoff(config.backoff) {
    std::string error;
    if (!transport::parse_secure_url(config.rest_url, error))
      throw std::invalid_argument("--alpaca-rest-url: " + error);
    while (!config.rest_url.empty() && config.rest_url.back() == '/') config.rest_url.pop_back();
    config.backfill = std::max(config.backfill, std::chrono::minutes(0));
    by_id.resize(config.instruments->size());
    bool any = false;
    for (core::SymbolId id = 0; id < by_id.size(); ++id) {
      by_id[id].venue = std::string(symbols.venue_symbol_of(id));
      any |= !by_id[id].venue.empty();
    }
    if (!any) throw std::invalid_argument("--feed alpaca: no configured symbol is a US equity (USD)");
  }

  // Separate from the constructor: the stream's handlers hold a weak reference to this.
  void make_client() {
    try {
      wss = std::make_unique<transport::WssClient>(strand, wss_options(config.ws_url, config),
                                                   wss_handlers(weak_from_this()));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--alpaca-ws-url: ") + e.what());
    }
  }

  // ---- lifecycle

  void begin() {
    resubscribe();  // not yet authenticated: sent once the venue accepts the keys
    wss->start();
  }

  void halt() {
    retry_timer.cancel();
    abandon_backfill();
    wss->stop();
  }

  void on_subscribe(const std::vector<core::SymbolId>& ids) {
    std::vector<core::SymbolId> back;
    for (const auto id : ids)
      // Back after an absence: the minutes missed meanwhile come from bars.
      if (id < by_id.size() && !filter.wants(id) && by_id[id].last_ts) back.push_back(id);
    filter.subscribe(ids);
    resubscribe();
    if (connected) queue_backfill(back);
  }

  void on_unsubscribe(const std::vector<core::SymbolId>& ids) {
    filter.unsubscribe(ids);
    resubscribe();
  }

  // ---- the stream

  void on_open() { stream.on_open(); }

  void on_frame(std::string_view text) {
    const auto errors_before = stream.errors().total();
    const auto was = stream.state();
    auto step = stream.on_text(text);
    for (auto& frame : step.send) wss->send(std::move(frame));
    for (const auto& t : step.ticks) route(t);
    // step.bars: the trades already delivered build these minutes; step.corrected_bars: late
    // trades after the minute closed, which the engine's aggregation no longer takes.
    for (const auto& [id, range] : step.gaps)
      market_log()->debug("alpaca {}: no bar between {} and {} (no trades, or missed)", by_id[id].venue,
                          core::to_iso8601(range.start), core::to_iso8601(range.end));
    bad_rows = stream.trade_sequencer().out_of_order() + stream.quote_sequencer().out_of_order();
    const auto new_errors = stream.errors().total() - errors_before;
    if (new_errors > 0) {
      errors.fetch_add(new_errors, std::memory_order_relaxed);
      if (!step.failure && burst.failure(std::chrono::steady_clock::now()))
        market_log()->warn("alpaca: bad stream message '{}' ({} bad messages unreported; more are counted, not logged)",
                           text.substr(0, 120), burst.unreported());
    } else {
      note_recovery(burst);
    }
    if (step.failure) return on_failure(*step.failure);
    const auto now_state = stream.state();
    if (was == alpaca::ConnectionState::authenticating && now_state != was) on_authenticated();
    if (now_state == alpaca::ConnectionState::subscribed) backoff.reset();
  }

  void on_authenticated() {
    connected = true;
    market_log()->info("alpaca: authenticated on {}", config.ws_url);
    queue_backfill(wanted());
  }

  void on_failure(const alpaca::Failure& f) {
    const auto what =
        std::string(alpaca::to_string(f.outcome)) + " (" + std::to_string(f.venue.code) + " " + f.venue.message + ")";
    if (!f.close) {
      market_log()->warn("alpaca: the venue refused a request: {}", what);
      return;
    }
    wss->stop();
    connected = false;
    if (!f.reconnect) {
      abandon_backfill();
      market_log()->error(
          "alpaca: the venue refused the stream: {}; not reconnecting{}", what,
          f.outcome == alpaca::Outcome::auth_failed ? " (check --alpaca-key-id / --alpaca-secret-key)" : "");
      return;
    }
    const auto delay = backoff.next();
    market_log()->warn("alpaca: the venue closed the stream: {}; reconnecting in {} ms", what, delay.count());
    retry_timer.expires_after(delay);
    retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && self->running) self->wss->start();
    });
  }

  void on_disconnect(std::string_view why) {
    connected = false;
    failure(burst, "stream lost: {}; reconnecting", why);
  }

  // ---- ticks

  void route(const core::Tick& t) {
    if (!filter.wants(t.symbol)) return;
    auto& s = by_id[t.symbol];
    if (!s.pending) return deliver_live(t);
    s.held.push_back(t);
    if (s.held.size() >= kHeldLimit) release(t.symbol);
  }

  void deliver_live(const core::Tick& t) {
    auto& s = by_id[t.symbol];
    // Inside a minute already delivered from bars: the trade is in that bar.
    if (t.ts < s.covered_until) return;
    s.last_ts = std::max(s.last_ts.value_or(t.ts), t.ts);
    deliver({&t, 1});
  }

  // The symbol's held ticks go out; a backfill still running for it only delivers what is newer.
  void release(core::SymbolId id) {
    auto& s = by_id[id];
    s.pending = false;
    auto held = std::move(s.held);
    s.held.clear();
    for (const auto& t : held) deliver_live(t);
  }

  // The venue refused us for good, or the feed stops: no backfill will come, so nothing waits for
  // one (stopped, the held ticks are dropped: none may reach the sink after stop()).
  void abandon_backfill() {
    rest_timer.cancel();
    rest.cancel();
    job.reset();
    queue.clear();
    for (core::SymbolId id = 0; id < by_id.size(); ++id)
      if (by_id[id].pending) release(id);
  }

  // ---- REST backfill: one request at a time, symbols in order, each paged to its end.

  void queue_backfill(const std::vector<core::SymbolId>& ids) {
    if (config.backfill.count() == 0) return;
    for (const auto id : ids) {
      auto& s = by_id[id];
      if (s.pending || (job && job->symbol == id)) continue;
      s.pending = true;
      queue.push_back(id);
    }
    if (!job) next_job();
  }

  void next_job() {
    job.reset();
    while (!queue.empty() && running) {
      const auto id = queue.front();
      queue.pop_front();
      const auto end = core::floor_to(core::now(), kMinute);  // closed minutes only
      auto start = end - std::chrono::duration_cast<core::Duration>(config.backfill);
      if (const auto& last = by_id[id].last_ts) start = std::max(start, core::floor_to(*last, kMinute) + kMinute);
      if (end - start < kMinute) {
        release(id);
        continue;
      }
      job = Job{id, start, end, {}};
      return request_page({});
    }
  }

  void request_page(const std::string& token) {
    const auto now = Steady::now();
    if (const auto when = after_hold(now); when > now) {
      rest_timer.expires_at(when);
      return rest_timer.async_wait([self = shared_from_this(), token](const boost::system::error_code& ec) {
        if (!ec && self->running) self->request_page(token);
      });
    }
    const auto& s = by_id[job->symbol];
    const auto url = config.rest_url + alpaca::bars_path(s.venue, core::Timeframe::m1, job->start, job->end,
                                                         alpaca::kMaxBarsLimit, token);
    rest.get(url, [self = shared_from_this()](HttpResult r) { self->on_page(std::move(r)); },
             {{"APCA-API-KEY-ID", config.key_id}, {"APCA-API-SECRET-KEY", config.secret_key}});
  }

  void on_page(HttpResult r) {
    if (!running || !job) return;
    const auto& venue = by_id[job->symbol].venue;
    if (!r.ok()) return job_failed(r.error);
    if (const auto hold = rate_limit_wait(r.response, WallClock::now(), config.rate_limit))
      hold_until = std::chrono::steady_clock::now() + *hold;
    auto page = alpaca::parse_bars_page(r.response.body, symbols, job->symbol, core::Timeframe::m1);
    if (r.response.status / 100 != 2 || page.error != MessageError::none) {
      auto why = "HTTP " + std::to_string(r.response.status);
      if (page.error == MessageError::venue_error)
        why += ": " + page.venue.message;
      else if (page.error != MessageError::none)
        why += ": " + std::string(to_string(page.error));
      return job_failed(why);
    }
    for (auto& b : page.bars)
      // Pages continue where the last ended; a bar repeated across a page boundary is skipped.
      if (job->bars.empty() || b.open_time > job->bars.back().open_time) job->bars.push_back(b);
    if (page.next_page_token) return request_page(*page.next_page_token);
    market_log()->info("alpaca {}: backfilled {} one-minute bars", venue, job->bars.size());
    note_recovery(burst);
    finish_job();
  }

  void job_failed(const std::string& why) {
    failure(burst, "{}: bars backfill failed: {}", by_id[job->symbol].venue, why);
    // Pages already read are the oldest minutes: still worth delivering. Not retried in a loop;
    // the next reconnect asks again from the last tick.
    finish_job();
  }

  // Delivers the job's closed minutes older than the symbol's first held tick, then the held ticks.
  void finish_job() {
    const auto id = job->symbol;
    auto& s = by_id[id];
    auto cutoff = job->end;
    if (s.pending && !s.held.empty()) cutoff = std::min(cutoff, core::floor_to(s.held.front().ts, kMinute));
    const auto from = s.last_ts ? core::floor_to(*s.last_ts, kMinute) + kMinute : core::Timestamp::min();
    std::vector<core::Bar> bars;
    for (const auto& b : job->bars)
      if (b.open_time >= from && b.open_time + kMinute <= cutoff) bars.push_back(b);
    if (filter.wants(id) && !bars.empty()) {
      const auto ticks = bars_as_ticks(bars);
      s.last_ts = ticks.back().ts;
      s.covered_until = bars.back().open_time + kMinute;
      stream.bar_sequencer().resume_after(id, bars.back().open_time);
      deliver(ticks);
    }
    release(id);
    next_job();
  }

  // ---- plumbing

  std::vector<core::SymbolId> wanted() const {
    std::vector<core::SymbolId> ids;
    for (core::SymbolId id = 0; id < by_id.size(); ++id)
      if (!by_id[id].venue.empty() && filter.wants(id)) ids.push_back(id);
    return ids;
  }

  void resubscribe() {
    auto step = stream.set_symbols(wanted());
    for (auto& frame : step.send) wss->send(std::move(frame));
  }

  AlpacaConfig config;
  VenueSymbols symbols;
  alpaca::Stream stream;
  std::unique_ptr<transport::WssClient> wss;
  HttpsClient rest;
  asio::steady_timer retry_timer;  // reconnect after a venue refusal
  asio::steady_timer rest_timer;   // rate-limit hold before a request
  Backoff backoff;
  BurstLog burst;
  std::vector<Symbol> by_id;
  std::deque<core::SymbolId> queue;
  std::optional<Job> job;
};

AlpacaFeed::AlpacaFeed(asio::any_io_executor strand, AlpacaConfig config) {
  if (!config.instruments) throw std::invalid_argument("--feed alpaca: no instruments");
  if (config.key_id.empty())
    throw std::invalid_argument("--feed alpaca needs --alpaca-key-id (or MERIDIAN_ALPACA_KEY_ID)");
  if (config.secret_key.empty())
    throw std::invalid_argument("--feed alpaca needs --alpaca-secret-key (or MERIDIAN_ALPACA_SECRET_KEY)");
  impl_ = std::make_shared<Impl>(std::move(strand), std::move(config));
  impl_->make_client();
}

AlpacaFeed::~AlpacaFeed() {
  // Handlers hold only weak references or check `running`; destroy after stop() ran on the
  // strand (as OffStrandFeed does), so no handler is reaching the sink meanwhile.
  impl_->running = false;
}

void AlpacaFeed::start(TickSink& sink) {
  start_feed(impl_, sink);
}

void AlpacaFeed::stop() {
  stop_feed(impl_);
}

void AlpacaFeed::subscribe(std::span<const core::SymbolId> symbols) {
  subscribe_feed(impl_, symbols);
}

void AlpacaFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  unsubscribe_feed(impl_, symbols);
}

FeedHealth AlpacaFeed::health() const noexcept {
  return impl_->health();
}

}  // namespace meridian::market::venue
