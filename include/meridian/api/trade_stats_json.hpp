#pragma once
// The one JSON shape of risk::TradeStats (closing trades, wins, losses, win rate, profit factor,
// gross profit/loss, average win/loss, expectancy): a portfolio's /metrics and a backtest's
// metrics say the same figures under the same names.
#include <nlohmann/json.hpp>

#include "meridian/risk/analytics.hpp"

namespace meridian::api {

nlohmann::json trade_stats_json(const risk::TradeStats& stats);

}  // namespace meridian::api
