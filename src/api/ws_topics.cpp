#include "ws_topics.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "ws_message.hpp"

namespace meridian::api {

namespace {
// The timeframe of each of kCandleStreams, as a candle topic names it.
constexpr const char* kCandleTimeframes[] = {"1m", "15m", "1h"};
static_assert(std::size(kCandleTimeframes) == std::size(kCandleStreams));

constexpr std::string_view kPortfolioKinds[] = {"trades", "orders", "signals", "session"};

// How many of the newest trades and signals a snapshot carries.
constexpr std::size_t kSnapshotItems = 100;

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

template <class Series, class ToJson>
nlohmann::json newest(const Series* series, ToJson&& to_json) {
  auto out = nlohmann::json::array();
  if (!series) return out;
  const auto n = series->size();
  for (std::size_t i = n > kSnapshotItems ? n - kSnapshotItems : 0; i < n; ++i) out.push_back(to_json((*series)[i]));
  return out;
}

nlohmann::json state(const WsTopicKey& key, ApiContext& ctx) {
  const auto& instruments = ctx.instruments;
  if (key.kind < WsTopicKind::trades) {
    const auto snap = ctx.snapshot();
    const auto symbol = static_cast<core::SymbolId>(key.id);
    if (!snap || symbol >= snap->symbols.size()) return nullptr;
    const auto& inst = instruments.at(symbol);
    switch (key.kind) {
      case WsTopicKind::prices: {
        const auto& view = snap->symbols[symbol];
        return view.has_tick ? quote_json(view, inst) : nlohmann::json(nullptr);
      }
      case WsTopicKind::candles: {
        const auto& stream = kCandleStreams[key.stream];
        auto bar = snap->forming(stream.timeframe, symbol);
        return bar ? nlohmann::json::parse(WsHub::candle_message(stream, *bar, inst, false)) : nlohmann::json(nullptr);
      }
      default: {  // bars: the newest closed bar of each streamed timeframe
        auto out = nlohmann::json::array();
        for (const auto& stream : kCandleStreams) {
          const auto& series = snap->series(stream.timeframe, symbol);
          if (series.size() > 0) out.push_back(bar_json(series[series.size() - 1], inst, true));
        }
        return out;
      }
    }
  }
  if (key.kind == WsTopicKind::other) return nullptr;
  const auto snap = ctx.snapshot(key.id);
  if (!snap) return nullptr;
  switch (key.kind) {
    case WsTopicKind::trades:
      return {{"trades", newest(snap->trades.get(), [&](const auto& t) { return trade_json(t, instruments); })},
              {"total", snap->trades_total}};
    case WsTopicKind::orders: {
      auto open = nlohmann::json::array();
      if (snap->open_orders)
        for (const auto& o : *snap->open_orders) open.push_back(order_json(o, instruments, key.id));
      return {{"open_orders", std::move(open)}};
    }
    case WsTopicKind::signals:
      return {{"signals", newest(snap->signals.get(), [&](const auto& s) { return signal_json(s, instruments); })}};
    default: return {{"status", trading_status_json(*snap)}, {"risk", risk_status_json(*snap)}};
  }
}
}  // namespace

std::string topic_name(const WsTopicKey& key, const core::InstrumentTable& instruments) {
  switch (key.kind) {
    case WsTopicKind::prices: return "prices:" + instruments.at(static_cast<core::SymbolId>(key.id)).symbol;
    case WsTopicKind::candles:
      return "candles:" + instruments.at(static_cast<core::SymbolId>(key.id)).symbol + ":" +
             kCandleTimeframes[key.stream];
    case WsTopicKind::bars: return "bars:" + instruments.at(static_cast<core::SymbolId>(key.id)).symbol;
    case WsTopicKind::other: return {};
    default:
      return std::string(kPortfolioKinds[static_cast<int>(key.kind) - static_cast<int>(WsTopicKind::trades)]) + ":" +
             std::to_string(key.id);
  }
}

std::optional<WsTopicKey> parse_topic(std::string_view name, const core::InstrumentTable& instruments,
                                      std::int64_t portfolio) {
  const auto colon = name.find(':');
  const auto kind = name.substr(0, colon);
  const auto rest = colon == std::string_view::npos ? std::string_view{} : name.substr(colon + 1);
  for (std::size_t i = 0; i < std::size(kPortfolioKinds); ++i) {
    if (kind != kPortfolioKinds[i]) continue;
    const auto id = colon == std::string_view::npos ? std::optional<std::int64_t>(portfolio) : parse_id(rest);
    if (!id || *id <= 0) return std::nullopt;
    return WsTopicKey{static_cast<WsTopicKind>(static_cast<int>(WsTopicKind::trades) + static_cast<int>(i)), *id};
  }
  if (kind != "prices" && kind != "bars" && kind != "candles") return std::nullopt;
  auto symbol_name = rest;
  int stream = 0;
  if (kind == "candles") {
    const auto tf_at = rest.rfind(':');
    if (tf_at == std::string_view::npos) return std::nullopt;
    symbol_name = rest.substr(0, tf_at);
    const auto tf = rest.substr(tf_at + 1);
    stream = -1;
    for (std::size_t i = 0; i < std::size(kCandleTimeframes); ++i)
      if (tf == kCandleTimeframes[i]) stream = static_cast<int>(i);
    if (stream < 0) return std::nullopt;
  }
  const auto symbol = core::resolve_symbol(instruments, symbol_name);
  if (!symbol) return std::nullopt;
  const auto k = kind == "prices" ? WsTopicKind::prices : kind == "bars" ? WsTopicKind::bars : WsTopicKind::candles;
  return WsTopicKey{k, static_cast<std::int64_t>(*symbol), stream};
}

WsTarget topic_target(const WsTopicKey& key) {
  switch (key.kind) {
    case WsTopicKind::prices: return {.symbol = static_cast<int>(key.id), .audience = WsTarget::main};
    case WsTopicKind::candles: return {.symbol = static_cast<int>(key.id), .audience = WsTarget::candles};
    case WsTopicKind::bars: return {.symbol = static_cast<int>(key.id), .audience = WsTarget::main};
    case WsTopicKind::trades:
    case WsTopicKind::orders: return {.audience = WsTarget::main, .portfolio = key.id};
    case WsTopicKind::signals:
    case WsTopicKind::session: return {.audience = WsTarget::everyone, .portfolio = key.id};
    case WsTopicKind::other: break;
  }
  return {};
}

std::string snapshot_message(const WsTopicKey& key, std::string_view name, std::uint64_t seq, ApiContext& ctx) {
  return ws_text("snapshot", {{"topic", name}, {"seq", seq}, {"data", state(key, ctx)}});
}

std::string stamped(std::string text, std::string_view name_json, std::uint64_t seq) {
  if (text.size() < 2 || text.back() != '}') return text;  // not an object: left as it is
  text.pop_back();
  if (text.size() > 1) text += ',';
  text += "\"topic\":";
  text += name_json;
  text += ",\"seq\":";
  text += std::to_string(seq);
  text += '}';
  return text;
}

}  // namespace meridian::api
