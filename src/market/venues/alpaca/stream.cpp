#include "meridian/market/venues/alpaca/stream.hpp"

#include <algorithm>
#include <numeric>

namespace meridian::market::alpaca {

namespace {

constexpr std::string_view kStateNames[] = {"connecting", "authenticating", "authenticated", "subscribed", "failed"};
constexpr std::string_view kOutcomeNames[] = {
    "invalid_syntax", "not_authenticated", "auth_failed", "already_authenticated",     "auth_timeout",
    "symbol_limit",   "connection_limit",  "slow_client", "insufficient_subscription", "invalid_subscribe_action",
    "internal_error", "unknown_error"};

// What the transport should do about each error. Syntax, duplicate-auth and subscribe-level
// refusals leave the connection usable; the rest end it. Wrong keys and a plan without this
// feed will not fix themselves, so those are not retried.
Failure failure_of(const VenueError& venue) {
  Failure f;
  f.venue = venue;
  f.outcome = outcome_of(venue.code);
  switch (f.outcome) {
    case Outcome::invalid_syntax:
    case Outcome::already_authenticated:
    case Outcome::symbol_limit:
    case Outcome::invalid_subscribe_action: break;
    case Outcome::auth_failed:
    case Outcome::insufficient_subscription: f.close = true; break;
    default:
      f.close = true;
      f.reconnect = true;
      break;
  }
  return f;
}

std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& s : a)
    if (std::find(b.begin(), b.end(), s) == b.end()) out.push_back(s);
  return out;
}

// The quote's content as its dedup key (splitmix64 steps over the four values).
std::uint64_t quote_key(const ServerEvent& q) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (const std::int64_t v : {q.bid.raw(), q.ask.raw(), q.bid_size.raw(), q.ask_size.raw()}) {
    h ^= static_cast<std::uint64_t>(v) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  }
  return h;
}

}  // namespace

std::string_view to_string(ConnectionState s) noexcept {
  return kStateNames[static_cast<std::size_t>(s)];
}
std::string_view to_string(Outcome o) noexcept {
  return kOutcomeNames[static_cast<std::size_t>(o)];
}

Outcome outcome_of(int code) noexcept {
  switch (code) {
    case 400: return Outcome::invalid_syntax;
    case 401: return Outcome::not_authenticated;
    case 402: return Outcome::auth_failed;
    case 403: return Outcome::already_authenticated;
    case 404: return Outcome::auth_timeout;
    case 405: return Outcome::symbol_limit;
    case 406: return Outcome::connection_limit;
    case 407: return Outcome::slow_client;
    case 409: return Outcome::insufficient_subscription;
    case 410: return Outcome::invalid_subscribe_action;
    case 500: return Outcome::internal_error;
    default: return Outcome::unknown_error;
  }
}

Stream::Stream(const VenueSymbols& symbols, std::string key, std::string secret)
    : symbols_(&symbols),
      key_(std::move(key)),
      secret_(std::move(secret)),
      bars_(core::period_of(core::Timeframe::m1), symbols.instruments().size()),
      trades_(symbols.instruments().size()),
      quotes_(symbols.instruments().size()),
      touch_(symbols.instruments().size()) {}

void Stream::on_open() {
  state_ = ConnectionState::connecting;
  sent_ = {};
  confirmed_ = {};
}

Step Stream::on_text(std::string_view text) {
  Step step;
  const auto frame = parse_server_frame(text, *symbols_);
  errors_.add(frame.error);
  for (const auto& ev : frame.events) on_event(ev, step);
  return step;
}

Step Stream::set_symbols(std::span<const core::SymbolId> symbols) {
  std::vector<std::string> names;
  for (const auto id : symbols) {
    const auto name = symbols_->venue_symbol_of(id);
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  }
  wanted_ = {names, names, names};
  Step step;
  send_subscription_change(step);
  return step;
}

void Stream::send_subscription_change(Step& step) {
  if (state_ != ConnectionState::authenticated && state_ != ConnectionState::subscribed) return;
  const Subscription removed{minus(sent_.trades, wanted_.trades), minus(sent_.quotes, wanted_.quotes),
                             minus(sent_.bars, wanted_.bars)};
  const Subscription added{minus(wanted_.trades, sent_.trades), minus(wanted_.quotes, sent_.quotes),
                           minus(wanted_.bars, sent_.bars)};
  if (!removed.empty()) step.send.push_back(unsubscribe_message(removed));
  if (!added.empty()) step.send.push_back(subscribe_message(added));
  sent_ = wanted_;
}

void Stream::on_event(const ServerEvent& ev, Step& step) {
  switch (ev.kind) {
    case EventKind::invalid: errors_.add(ev.error_kind); return;
    case EventKind::other: return;
    case EventKind::connected:
      // A repeated "connected" on an open session changes nothing.
      if (state_ != ConnectionState::connecting) return;
      state_ = ConnectionState::authenticating;
      step.send.push_back(auth_message(key_, secret_));
      return;
    case EventKind::authenticated:
      if (state_ != ConnectionState::authenticating) return;
      state_ = ConnectionState::authenticated;
      send_subscription_change(step);
      return;
    case EventKind::subscription:
      confirmed_ = ev.subscription;
      if (state_ == ConnectionState::authenticated) state_ = ConnectionState::subscribed;
      return;
    case EventKind::error: {
      errors_.add(MessageError::venue_error);
      auto f = failure_of(ev.venue);
      if (f.close) state_ = ConnectionState::failed;
      step.failure = std::move(f);
      return;
    }
    case EventKind::trade: {
      if (trades_.on_event(ev.symbol, ev.ts, ev.trade_id) != Sequence::accepted) return;
      auto& t = touch_[ev.symbol];
      t.last = ev.price;
      core::Tick tick{ev.symbol, ev.ts, t.bid, t.ask, ev.price, ev.size};
      // Before the first quote the trade price stands in for the touch.
      if (tick.bid.is_zero()) tick.bid = ev.price;
      if (tick.ask.is_zero()) tick.ask = ev.price;
      step.ticks.push_back(tick);
      return;
    }
    case EventKind::quote: {
      if (quotes_.on_event(ev.symbol, ev.ts, quote_key(ev)) != Sequence::accepted) return;
      auto& t = touch_[ev.symbol];
      t.bid = ev.bid;
      t.ask = ev.ask;
      // Before the first trade the mid stands in for the last price (std::midpoint: a bid and
      // ask near the top of the range must not overflow their sum).
      const auto last = t.last.is_zero() ? core::Price::from_raw(std::midpoint(ev.bid.raw(), ev.ask.raw())) : t.last;
      step.ticks.push_back({ev.symbol, ev.ts, ev.bid, ev.ask, last, core::Quantity{}});
      return;
    }
    case EventKind::bar: {
      const auto seq = bars_.on_update({ev.symbol, ev.bar.open_time, ev.bar.volume, true});
      if (seq.gap) step.gaps.emplace_back(ev.symbol, *seq.gap);
      if (seq.verdict == Sequence::accepted) step.bars.push_back(ev.bar);
      return;
    }
    case EventKind::updated_bar: step.corrected_bars.push_back(ev.bar); return;
  }
}

}  // namespace meridian::market::alpaca
