#include "meridian/api/trade_stats_json.hpp"

namespace meridian::api {

nlohmann::json trade_stats_json(const risk::TradeStats& stats) {
  return {{"trades", stats.trades},
          {"wins", stats.wins},
          {"losses", stats.losses},
          {"win_rate", stats.win_rate},
          {"profit_factor", stats.profit_factor},
          {"gross_profit", stats.gross_profit},
          {"gross_loss", stats.gross_loss},
          {"average_win", stats.average_win},
          {"average_loss", stats.average_loss},
          {"expectancy", stats.expectancy}};
}

}  // namespace meridian::api
