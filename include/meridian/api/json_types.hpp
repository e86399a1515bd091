#pragma once
// The JSON mapping of domain types, written once and used by REST and WebSocket alike.
// Shapes are documented in docs/api-shapes.md.
#include <nlohmann/json.hpp>

#include "meridian/engine/engine_runner.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "meridian/indicators/regime.hpp"

namespace meridian::api {

nlohmann::json money_json(core::Money m);
// realized + unrealized - fees, clamped to the ledger's range: a figure shown, never wrapped.
core::Money total_pnl(core::Money realized, core::Money unrealized, core::Money fees) noexcept;
nlohmann::json trade_json(const engine::Trade& t, const core::InstrumentTable& instruments);
nlohmann::json position_json(const engine::PositionView& p, const engine::Snapshot& s);
nlohmann::json candle_json(const core::Bar& b);
// A candle with its symbol and timeframe, and whether its period is over.
nlohmann::json bar_json(const core::Bar& b, const core::Instrument& inst, bool closed);
nlohmann::json quote_json(const engine::SymbolView& v, const core::Instrument& inst);
nlohmann::json signal_json(const engine::SignalEntry& e, const core::InstrumentTable& instruments);
// `portfolio`: the name of the portfolio the instance belongs to (the snapshot's).
nlohmann::json instance_json(const engine::InstanceView& v, const engine::Snapshot& s, std::string_view portfolio);
nlohmann::json holdings_json(const engine::InstanceView& v, const engine::Snapshot& s);
nlohmann::json order_json(const execution::Order& o, const core::InstrumentTable& instruments,
                          std::int64_t portfolio_id);
nlohmann::json limits_json(const risk::Limits& l);
// The portfolio's risk: state, limits, today's P&L, drawdown and the denials per reason code.
nlohmann::json risk_status_json(const engine::Snapshot& s);
nlohmann::json equity_point_json(const risk::EquityPoint& p);
// The portfolio's summary: what it is (id, name, currency: its directory entry), cash, equity,
// exposure, P&L, counts and states.
nlohmann::json portfolio_json(const engine::Snapshot& s, const engine::PortfolioEntry& entry);
nlohmann::json trading_status_json(const engine::Snapshot& s);
nlohmann::json engine_status_json(const engine::Snapshot& s);
// GET /api/market/regime/{symbol}'s document: `r` read on `symbol`'s `timeframe` bars at the bar
// that opened at `as_of` (none: no bar yet); inputs not yet known are null.
nlohmann::json regime_json(const indicators::RegimeReading& r, std::string_view symbol, core::Timeframe timeframe,
                           std::optional<core::Timestamp> as_of);

}  // namespace meridian::api
