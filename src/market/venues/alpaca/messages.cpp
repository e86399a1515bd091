#include "meridian/market/venues/alpaca/messages.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "../../venue_json.hpp"
#include "bar_event.hpp"

namespace meridian::market::alpaca {

namespace {

using venue_json::field;
using venue_json::Json;

// Invalid UTF-8 in a configured key must not throw out of dump(): it is replaced.
std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string action_message(std::string_view action, const Subscription& s) {
  Json j = {{"action", action}, {"trades", s.trades}, {"quotes", s.quotes}, {"bars", s.bars}};
  return dump(j);
}

ServerEvent invalid(MessageError e) {
  ServerEvent ev;
  ev.error_kind = e;
  return ev;
}

std::optional<core::Timestamp> rfc3339(const Json* j) {
  const auto s = venue_json::string_of(j);
  // parse_time also takes epoch milliseconds and bare dates; Alpaca always sends a full time.
  if (!s || s->find('T') == std::string_view::npos) return std::nullopt;
  return core::parse_time(*s);
}

std::vector<std::string> names(const Json* j, bool& ok) {
  std::vector<std::string> out;
  if (j == nullptr) return out;  // a channel the server left out is empty
  if (!j->is_array()) {
    ok = false;
    return out;
  }
  for (const auto& e : *j) {
    if (!e.is_string()) {
      ok = false;
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

struct Reader {
  const Json& obj;
  const core::Instrument& inst;
  MessageError err = MessageError::none;

  // Absent or non-numeric is the shape; a number out of range (or negative) is the value.
  template <class F>
  F decimal(const char* key, bool price) {
    const Json* j = field(obj, key);
    if (j == nullptr || !j->is_number()) {
      err = MessageError::unexpected_shape;
      return F{};
    }
    // Exact, then to the instrument's decimals.
    const auto v = venue_json::decimal_of<F>(j);
    if (!v || *v < F{}) {
      err = MessageError::bad_value;
      return F{};
    }
    return v->rounded(price ? inst.price_decimals : inst.qty_decimals);
  }
  core::Timestamp time(const char* key) {
    const Json* j = field(obj, key);
    if (j == nullptr || !j->is_string()) {
      err = MessageError::unexpected_shape;
      return {};
    }
    const auto t = rfc3339(j);
    if (!t) err = MessageError::bad_value;
    return t.value_or(core::Timestamp{});
  }
};

ServerEvent market_event(const Json& obj, std::string_view type, const VenueSymbols& symbols) {
  const auto sym = venue_json::string_of(field(obj, "S"));
  if (!sym) return invalid(MessageError::unexpected_shape);
  const auto id = symbols.find(*sym);
  if (!id) return invalid(MessageError::unknown_symbol);
  Reader r{obj, symbols.instruments().at(*id)};
  ServerEvent ev;
  ev.symbol = *id;
  if (type == "t") {
    ev.kind = EventKind::trade;
    ev.price = r.decimal<core::Price>("p", true);
    ev.size = r.decimal<core::Quantity>("s", false);
    ev.ts = r.time("t");
    // The trade id is the dedup key; a missing one falls back to the price (set below).
    if (const Json* i = field(obj, "i"); i != nullptr) {
      const auto v = venue_json::integer_of(i);
      if (!v || *v < 0) return invalid(MessageError::unexpected_shape);
      ev.trade_id = static_cast<std::uint64_t>(*v);
    } else {
      ev.trade_id = static_cast<std::uint64_t>(ev.price.raw()) ^ (static_cast<std::uint64_t>(ev.size.raw()) << 1);
    }
    if (r.err == MessageError::none && ev.price.is_zero()) r.err = MessageError::bad_value;
  } else if (type == "q") {
    ev.kind = EventKind::quote;
    ev.bid = r.decimal<core::Price>("bp", true);
    ev.ask = r.decimal<core::Price>("ap", true);
    ev.bid_size = r.decimal<core::Quantity>("bs", false);
    ev.ask_size = r.decimal<core::Quantity>("as", false);
    ev.ts = r.time("t");
  } else {
    return bar_event(obj, *id, symbols.instruments().at(*id), type == "b" ? EventKind::bar : EventKind::updated_bar,
                     core::Timeframe::m1);
  }
  if (r.err != MessageError::none) return invalid(r.err);
  return ev;
}

ServerEvent event_of(const Json& obj, const VenueSymbols& symbols) {
  if (!obj.is_object()) return invalid(MessageError::unexpected_shape);
  const auto type = venue_json::string_of(field(obj, "T"));
  if (!type) return invalid(MessageError::unexpected_shape);
  ServerEvent ev;
  if (*type == "success") {
    const auto msg = venue_json::string_of(field(obj, "msg"));
    if (!msg) return invalid(MessageError::unexpected_shape);
    if (*msg == "connected") {
      ev.kind = EventKind::connected;
    } else if (*msg == "authenticated") {
      ev.kind = EventKind::authenticated;
    } else {
      return invalid(MessageError::unknown_message);
    }
    return ev;
  }
  if (*type == "error") {
    const auto code = venue_json::integer_of(field(obj, "code"));
    const auto msg = venue_json::string_of(field(obj, "msg"));
    if (!code || !msg || *code < 0 || *code > std::numeric_limits<int>::max())
      return invalid(MessageError::unexpected_shape);
    ev.kind = EventKind::error;
    ev.error_kind = MessageError::venue_error;
    ev.venue = {static_cast<int>(*code), std::string(*msg)};
    return ev;
  }
  if (*type == "subscription") {
    bool ok = true;
    ev.kind = EventKind::subscription;
    ev.subscription.trades = names(field(obj, "trades"), ok);
    ev.subscription.quotes = names(field(obj, "quotes"), ok);
    ev.subscription.bars = names(field(obj, "bars"), ok);
    if (!ok) return invalid(MessageError::unexpected_shape);
    return ev;
  }
  if (*type == "t" || *type == "q" || *type == "b" || *type == "u") return market_event(obj, *type, symbols);
  // Daily bars, trading statuses, corrections, cancels, LULD bands, imbalances, news.
  for (std::string_view known : {"d", "s", "c", "x", "l", "i", "n"})
    if (*type == known) {
      ev.kind = EventKind::other;
      return ev;
    }
  return invalid(MessageError::unknown_message);
}

}  // namespace

ServerEvent bar_event(const venue_json::Json& obj, core::SymbolId id, const core::Instrument& inst, EventKind kind,
                      core::Timeframe tf) {
  Reader r{obj, inst};
  ServerEvent ev;
  ev.kind = kind;
  ev.symbol = id;
  auto& b = ev.bar;
  b.symbol = id;
  b.timeframe = tf;
  b.open = r.decimal<core::Price>("o", true);
  b.high = r.decimal<core::Price>("h", true);
  b.low = r.decimal<core::Price>("l", true);
  b.close = r.decimal<core::Price>("c", true);
  b.volume = r.decimal<core::Quantity>("v", false);
  b.open_time = r.time("t");
  if (const Json* n = field(obj, "n"); n != nullptr) {
    const auto v = venue_json::integer_of(n);
    if (!v || *v < 0 || *v > std::numeric_limits<std::uint32_t>::max()) return invalid(MessageError::bad_value);
    b.ticks = static_cast<std::uint32_t>(*v);
  }
  const bool ordered =
      b.low > core::Price{} && b.low <= std::min(b.open, b.close) && b.high >= std::max(b.open, b.close);
  if (r.err == MessageError::none && !ordered) r.err = MessageError::bad_value;
  if (r.err != MessageError::none) return invalid(r.err);
  ev.ts = b.open_time;
  return ev;
}

VenueSymbols symbol_map(const core::InstrumentTable& table) {
  return VenueSymbols(table, [](const core::Instrument& inst) {
    if (inst.asset_class != core::AssetClass::equity || inst.currency != "USD") return std::string{};
    std::string out = inst.symbol;
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  });
}

std::string auth_message(std::string_view key, std::string_view secret) {
  return dump(Json{{"action", "auth"}, {"key", key}, {"secret", secret}});
}

std::string subscribe_message(const Subscription& s) {
  return action_message("subscribe", s);
}
std::string unsubscribe_message(const Subscription& s) {
  return action_message("unsubscribe", s);
}

ServerFrame parse_server_frame(std::string_view text, const VenueSymbols& symbols) {
  ServerFrame out;
  const auto parsed = venue_json::parse(text);
  if (!parsed) {
    out.error = MessageError::malformed_json;
    return out;
  }
  // The server always sends an array; a bare object is taken as an array of one.
  if (parsed->is_object()) {
    out.events.push_back(event_of(*parsed, symbols));
    return out;
  }
  if (!parsed->is_array()) {
    out.error = MessageError::unexpected_shape;
    return out;
  }
  out.events.reserve(parsed->size());
  for (const auto& e : *parsed) out.events.push_back(event_of(e, symbols));
  return out;
}

}  // namespace meridian::market::alpaca
