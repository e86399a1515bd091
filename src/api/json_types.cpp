#include "meridian/api/json_types.hpp"

#include <cmath>

#include "analytics_view.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/strategies/signal_json.hpp"

namespace meridian::api {

using nlohmann::json;

json money_json(core::Money m) {
  return m.to_double();
}

core::Money total_pnl(core::Money realized, core::Money unrealized, core::Money fees) noexcept {
  return core::saturating_sub(core::saturating_add(realized, unrealized), fees);
}

json trade_json(const engine::Trade& t, const core::InstrumentTable& instruments) {
  json j{{"id", t.id},
         {"order_id", t.order_id},
         {"portfolio_id", t.portfolio_id},
         {"symbol", instruments.at(t.symbol).symbol},
         {"side", core::to_string(t.side)},
         {"quantity", t.quantity.to_double()},
         {"price", t.price.to_double()},
         {"fee", t.fee.to_double()},
         {"notional", core::notional(t.price, t.quantity).to_double()},
         {"realized_pnl", t.realized_pnl.to_double()},
         {"strategy", t.strategy},
         {"strategy_id", t.strategy_id},
         {"time", core::to_iso8601(t.ts)},
         {"ts", core::epoch_ms(t.ts)},
         {"manual", t.manual}};
  // Why a trade recorded by hand was recorded (and forced, when it was); absent otherwise.
  if (t.manual && !t.note.empty()) j["note"] = t.note;
  return j;
}

json position_json(const engine::PositionView& p, const engine::Snapshot& s) {
  const auto mark = s.mark(p.symbol);
  // Marked to market: clamped (never wrapped) when the mark outgrows the ledger's range.
  const auto value = core::saturating_notional(mark, p.state.quantity);
  return {{"symbol", s.instruments->at(p.symbol).symbol},
          {"side", p.state.quantity.raw() >= 0 ? "long" : "short"},
          {"quantity", p.state.quantity.to_double()},
          {"avg_price", core::per_unit(p.state.cost_basis, p.state.quantity).to_double()},
          {"cost_basis", p.state.cost_basis.to_double()},
          {"last_price", mark.to_double()},
          {"market_value", value.to_double()},
          {"unrealized_pnl", core::saturating_sub(value, p.state.cost_basis).to_double()},
          {"realized_pnl", p.state.realized_pnl.to_double()},
          {"updated_at", core::to_iso8601(p.state.updated_at)}};
}

json candle_json(const core::Bar& b) {
  return {{"time", core::to_iso8601(b.open_time)},
          {"ts", core::epoch_ms(b.open_time)},
          {"open", b.open.to_double()},
          {"high", b.high.to_double()},
          {"low", b.low.to_double()},
          {"close", b.close.to_double()},
          {"volume", b.volume.to_double()}};
}

json bar_json(const core::Bar& b, const core::Instrument& inst, bool closed) {
  json j = candle_json(b);
  j["symbol"] = inst.symbol;
  j["timeframe"] = core::to_string(b.timeframe);
  j["closed"] = closed;
  return j;
}

json quote_json(const engine::SymbolView& v, const core::Instrument& inst) {
  return {{"symbol", inst.symbol},
          {"price", v.last.last.to_double()},
          {"bid", v.last.bid.to_double()},
          {"ask", v.last.ask.to_double()},
          {"volume", v.last.volume.to_double()},
          {"time", core::to_iso8601(v.last.ts)},
          {"ts", core::epoch_ms(v.last.ts)},
          {"candle", v.has_partial ? candle_json(v.partial) : json(nullptr)}};
}

json signal_json(const engine::SignalEntry& e, const core::InstrumentTable& instruments) {
  const auto& s = e.signal;
  return {{"id", e.id},
          {"symbol", instruments.at(s.symbol).symbol},
          {"strategy", s.strategy},
          {"side", core::to_string(s.side)},
          {"strength", s.strength},
          {"price", s.price.to_double()},
          {"reason", s.reason},
          {"indicators", strategies::indicator_values_json(s)},
          {"acted", e.acted},
          {"strategy_id", e.strategy_id},
          {"time", core::to_iso8601(s.ts)},
          {"ts", core::epoch_ms(s.ts)}};
}

json instance_json(const engine::InstanceView& v, const engine::Snapshot& s, std::string_view portfolio) {
  json symbols = json::array();
  for (auto id : v.config.symbols) symbols.push_back(s.instruments->at(id).symbol);
  auto params = engine::strategy_json(v.config.strategy);
  for (const char* key : {"class", "position_fraction", "timeframe"}) params.erase(key);
  return {{"id", v.config.id},
          {"name", v.config.name},
          {"class", v.config.strategy.class_name},
          {"params", std::move(params)},
          {"position_fraction", v.config.strategy.position_fraction},
          {"timeframe", core::to_string(v.config.strategy.timeframe)},
          {"symbols", std::move(symbols)},
          {"portfolio", portfolio},
          {"portfolio_id", s.portfolio_id},
          {"active", v.config.active},
          {"state", engine::to_string(v.state)},
          {"disabled", v.disabled},
          {"signals", v.signals},
          {"last_signal", v.last_signal ? signal_json(*v.last_signal, *s.instruments) : json(nullptr)},
          {"version", v.version},
          {"updated_at", core::to_iso8601(v.updated_at)}};
}

json holdings_json(const engine::InstanceView& v, const engine::Snapshot& s) {
  json positions = json::array();
  core::Money unrealized;
  for (const auto& p : v.holdings) {
    positions.push_back(position_json(p, s));
    unrealized = core::saturating_add(
        unrealized,
        core::saturating_sub(core::saturating_notional(s.mark(p.symbol), p.state.quantity), p.state.cost_basis));
  }
  return {{"strategy_id", v.config.id},
          {"portfolio_id", s.portfolio_id},
          {"name", v.config.name},
          {"class", v.config.strategy.class_name},
          {"positions", std::move(positions)},
          {"realized_pnl", money_json(v.realized_pnl)},
          {"unrealized_pnl", money_json(unrealized)},
          {"fees", money_json(v.fees)},
          {"pnl", money_json(total_pnl(v.realized_pnl, unrealized, v.fees))}};
}

namespace {
// Optional prices and times: zero means "not set" in the domain types, null in JSON.
json price_or_null(core::Price p) {
  return p.is_zero() ? json(nullptr) : json(p.to_double());
}
json time_or_null(core::Timestamp t) {
  return t == core::Timestamp{} ? json(nullptr) : json(core::to_iso8601(t));
}
std::size_t open_orders(const engine::Snapshot& s) noexcept {
  std::size_t n = 0;
  if (s.open_orders) n = s.open_orders->size();
  return n;
}
}  // namespace

json order_json(const execution::Order& o, const core::InstrumentTable& instruments, std::int64_t portfolio_id) {
  const auto& r = o.request;
  return {{"id", o.id},
          {"client_order_id", r.client_order_id.empty() ? json(nullptr) : json(r.client_order_id)},
          {"portfolio_id", portfolio_id},
          {"symbol", instruments.at(r.symbol).symbol},
          {"side", core::to_string(r.side)},
          {"type", execution::to_string(r.type)},
          {"time_in_force", execution::to_string(r.tif)},
          {"quantity", r.quantity.to_double()},
          {"filled_quantity", o.filled_quantity.to_double()},
          {"remaining_quantity", o.remaining().to_double()},
          {"limit_price", price_or_null(r.limit_price)},
          {"stop_price", price_or_null(r.stop_price)},
          {"trail_amount", price_or_null(r.trail_amount)},
          {"trail_percent", r.trail_percent > 0 ? json(r.trail_percent) : json(nullptr)},
          {"take_profit", price_or_null(r.take_profit)},
          {"stop_loss", price_or_null(r.stop_loss)},
          {"bracket_trail_amount", price_or_null(r.bracket_trail_amount)},
          {"bracket_trail_percent", r.bracket_trail_percent > 0 ? json(r.bracket_trail_percent) : json(nullptr)},
          {"reduce_only", r.reduce_only},
          {"status", execution::to_string(o.status)},
          {"terminal", execution::is_terminal(o.status)},
          {"triggered", o.triggered},
          {"average_price", price_or_null(o.average_price())},
          {"filled_notional", money_json(o.filled_notional)},
          {"fees", money_json(o.fees)},
          {"reason", o.reason.empty() ? json(nullptr) : json(o.reason)},
          {"strategy_id", r.strategy_id},
          {"placed_by", r.placed_by ? json(r.placed_by) : json(nullptr)},
          {"parent_id", o.parent_id ? json(o.parent_id) : json(nullptr)},
          {"oco_id", o.oco_id ? json(o.oco_id) : json(nullptr)},
          {"created_at", core::to_iso8601(o.created)},
          {"updated_at", core::to_iso8601(o.updated)},
          {"expires_at", time_or_null(o.expires_at)},
          {"ts", core::epoch_ms(o.updated)}};
}

json limits_json(const risk::Limits& l) {
  return {{"max_order_quantity", l.max_order_quantity.to_double()},
          {"max_order_notional", money_json(l.max_order_notional)},
          {"max_position_notional", money_json(l.max_position_notional)},
          {"max_open_positions", l.max_open_positions},
          {"max_gross_exposure", money_json(l.max_gross_exposure)},
          {"max_daily_loss", money_json(l.max_daily_loss)},
          {"max_drawdown", l.max_drawdown},
          {"max_orders_per_minute", l.max_orders_per_minute},
          {"price_band", l.price_band}};
}

json risk_status_json(const engine::Snapshot& s) {
  const auto& r = s.risk;
  json denials = json::object();
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < risk::kDenialCount; ++i) {  // 0 is Denial::none
    denials[std::string(risk::to_string(static_cast<risk::Denial>(i)))] = r.denials[i];
    total += r.denials[i];
  }
  return {{"portfolio_id", s.portfolio_id},
          {"state", risk::to_string(r.state)},
          {"limits", limits_json(r.limits)},
          {"equity", money_json(s.equity())},
          {"day_start_equity", money_json(r.day_start_equity)},
          {"peak_equity", money_json(r.peak_equity)},
          {"daily_pnl", money_json(r.daily_pnl)},
          {"drawdown", r.drawdown},
          {"daily_loss_hit", r.daily_loss_hit},
          {"orders_last_minute", r.orders_last_minute},
          {"denials", std::move(denials)},
          {"denials_total", total},
          {"as_of", core::to_iso8601(s.published_at)}};
}

json equity_point_json(const risk::EquityPoint& p) {
  return {{"time", core::to_iso8601(p.ts)}, {"ts", core::epoch_ms(p.ts)}, {"equity", p.equity}};
}

json portfolio_json(const engine::Snapshot& s, const engine::PortfolioEntry& entry) {
  const auto unrealized = s.unrealized_pnl();
  const auto equity = s.equity();
  const double initial = s.initial_capital.to_double();
  return {{"id", s.portfolio_id},
          {"portfolio_id", s.portfolio_id},
          {"name", entry.name},
          {"currency", entry.currency},
          {"created_at", core::to_iso8601(entry.created_at)},
          {"owner_id", entry.owner_id ? json(entry.owner_id) : json(nullptr)},
          {"mode", engine::to_string(s.mode)},
          {"executor", s.executor},
          {"live", s.executor != "paper"},
          {"initial_capital", money_json(s.initial_capital)},
          {"cash", money_json(s.cash)},
          {"market_value", money_json(s.market_value())},
          {"equity", money_json(equity)},
          {"exposure", exposure_json(s)},
          {"pnl",
           {{"realized", money_json(s.realized_pnl)},
            {"unrealized", money_json(unrealized)},
            {"fees", money_json(s.fees_paid)},
            {"total", money_json(total_pnl(s.realized_pnl, unrealized, s.fees_paid))}}},
          {"return", initial > 0 ? equity.to_double() / initial - 1.0 : 0.0},
          {"open_positions", s.positions.size()},
          {"open_orders", open_orders(s)},
          {"trades_count", s.trades_total},
          {"session_state", engine::to_string(s.session.state)},
          {"risk_state", risk::to_string(s.risk.state)},
          {"updated_at", core::to_iso8601(s.published_at)}};
}

json trading_status_json(const engine::Snapshot& s) {
  json symbols = json::array();
  for (auto id : s.session.symbols) symbols.push_back(s.instruments->at(id).symbol);
  json prices = json::object();
  for (const auto& inst : s.instruments->all())
    if (s.symbols[inst.id].has_tick) prices[inst.symbol] = s.symbols[inst.id].last.last.to_double();
  const auto unrealized = s.unrealized_pnl();
  const auto state = s.session.state;
  return {{"state", engine::to_string(state)},
          {"is_running", state == engine::SessionState::running},
          {"is_paused", state == engine::SessionState::paused},
          {"mode", engine::to_string(s.mode)},
          {"executor", s.executor},
          {"live", s.executor != "paper"},
          {"strategy", engine::strategy_json(s.session.strategy)},
          {"symbols", std::move(symbols)},
          {"last_prices", std::move(prices)},
          {"cash", money_json(s.cash)},
          {"equity", money_json(s.equity())},
          {"initial_capital", money_json(s.initial_capital)},
          {"pnl",
           {{"realized", money_json(s.realized_pnl)},
            {"unrealized", money_json(unrealized)},
            {"fees", money_json(s.fees_paid)},
            {"total", money_json(total_pnl(s.realized_pnl, unrealized, s.fees_paid))}}},
          {"open_positions", s.positions.size()},
          {"trades_count", s.trades_total},
          {"risk_state", risk::to_string(s.risk.state)},
          {"started_at", core::to_iso8601(s.session.started_at)},
          {"updated_at", core::to_iso8601(s.session.updated_at)},
          {"changed_by", s.session.changed_by ? json(s.session.changed_by) : json(nullptr)}};
}

// Per strategy: what it is doing and the last thing it said (seed 001's engine status).
json strategies_summary_json(const engine::Snapshot& s) {
  json out = json::array();
  for (const auto& v : *s.instances) {
    if (v.state == engine::InstanceState::removed) continue;
    out.push_back({{"id", v.config.id},
                   {"name", v.config.name},
                   {"class", v.config.strategy.class_name},
                   {"state", engine::to_string(v.state)},
                   {"active", v.config.active},
                   {"signals", v.signals},
                   {"last_signal", v.last_signal ? signal_json(*v.last_signal, *s.instruments) : json(nullptr)}});
  }
  return out;
}

// Per market-data feed: whether it is up, what it has delivered, had to skip (bad rows) or
// lost because the engine fell behind (dropped).
json feeds_json(const engine::Snapshot& s) {
  json out = json::array();
  for (const auto& f : s.feeds)
    out.push_back({{"name", f.name},
                   {"connected", f.health.connected},
                   {"ticks", f.health.ticks},
                   {"errors", f.health.errors},
                   {"bad_rows", f.health.bad_rows},
                   {"dropped", f.health.dropped}});
  return out;
}

// Per venue of the configured symbols: its session as of the engine's market time.
json venues_json(const engine::Snapshot& s) {
  const auto time_or_null = [](const std::optional<core::Timestamp>& t) {
    return t ? json(core::to_iso8601(*t)) : json(nullptr);
  };
  json out = json::array();
  for (const auto& v : s.venues)
    out.push_back({{"name", v.name},
                   {"state", market::to_string(v.state)},
                   {"is_open", v.state == market::SessionState::open},
                   {"next_open", time_or_null(v.next_open)},
                   {"next_close", time_or_null(v.next_close)},
                   {"as_of", core::to_iso8601(v.as_of)}});
  return out;
}

json engine_status_json(const engine::Snapshot& s) {
  json positions = json::array();
  for (const auto& p : s.positions) positions.push_back(position_json(p, s));
  json symbols = json::array();
  core::Timestamp last_tick{};
  for (const auto& inst : s.instruments->all()) {
    symbols.push_back(inst.symbol);
    if (s.symbols[inst.id].has_tick) last_tick = std::max(last_tick, s.symbols[inst.id].last.ts);
  }
  const auto state = s.session.state;
  return {{"running", state == engine::SessionState::running},
          {"state", engine::to_string(state)},
          {"mode", engine::to_string(s.mode)},
          {"capital", money_json(s.initial_capital)},
          {"cash", money_json(s.cash)},
          {"equity", money_json(s.equity())},
          {"positions", std::move(positions)},
          {"open_positions", s.positions.size()},
          {"scan_count", s.counters.bars},
          {"ticks_processed", s.counters.ticks},
          {"bars_processed", s.counters.bars},
          {"signals", s.counters.signals},
          {"orders", s.counters.orders},
          {"rejects", s.counters.rejects},
          {"strategy_errors", s.counters.strategy_errors},
          {"unsettled_fills", s.counters.unsettled_fills},
          {"strategy_disabled", s.strategy_disabled},
          {"journal_backlog", s.counters.journal_backlog},
          {"journal_full", s.counters.journal_full},
          {"entries_paused", s.counters.entries_paused},
          {"trades_count", s.trades_total},
          {"open_orders", open_orders(s)},
          {"risk_state", risk::to_string(s.risk.state)},
          // Risk's one definition: equity now less equity at the start of the UTC day (of market
          // time), the figure max_daily_loss is checked against (RiskStatus's daily_pnl).
          {"daily_pnl", money_json(s.risk.daily_pnl)},
          {"strategies", strategies_summary_json(s)},
          {"feeds", feeds_json(s)},
          {"calendars", s.calendars},
          {"venues", venues_json(s)},
          {"symbols", std::move(symbols)},
          {"last_tick_at", last_tick == core::Timestamp{} ? json(nullptr) : json(core::to_iso8601(last_tick))}};
}

json regime_json(const indicators::RegimeReading& r, std::string_view symbol, core::Timeframe timeframe,
                 std::optional<core::Timestamp> as_of) {
  const auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  return {{"symbol", symbol},
          {"timeframe", core::to_string(timeframe)},
          {"regime", indicators::to_string(r.regime)},
          {"confidence", r.confidence},
          {"inputs",
           {{"adx", number(r.adx)},
            {"efficiency_ratio", number(r.efficiency_ratio)},
            {"atr_percentile", number(r.atr_percentile)},
            {"volatility_percentile", number(r.volatility_percentile)},
            {"bollinger_width_percentile", number(r.bollinger_width_percentile)}}},
          {"bars", r.bars},
          {"as_of", as_of ? json(core::to_iso8601(*as_of)) : json(nullptr)}};
}

}  // namespace meridian::api
