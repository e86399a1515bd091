#include "trading_api.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "shapes.hpp"

namespace meridian::e2e {

using nlohmann::json;
using K = Kind;

HttpResponse send(std::uint16_t port, std::string method, std::string target, std::string body) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  return http_request(port, req);
}

HttpResponse send_json(std::uint16_t port, std::string method, std::string target, const json& body) {
  return send(port, std::move(method), std::move(target), body.dump());
}

double last_price(std::uint16_t port, const std::string& symbol) {
  auto status = http_get(port, "/api/trading/status").json();
  if (!status.is_object() || !status.contains("last_prices") || !status["last_prices"].contains(symbol) ||
      !status["last_prices"][symbol].is_number()) {
    ADD_FAILURE() << "no last price for " << symbol << " in " << status.dump();
    return 0.0;
  }
  return status["last_prices"][symbol].get<double>();
}

long long portfolio_id(std::uint16_t port) {
  auto list = http_get(port, "/api/portfolios").json();
  if (!list.is_object() || !list.contains("items") || list["items"].empty() || !list["items"][0].contains("id")) {
    ADD_FAILURE() << "GET /api/portfolios lists no portfolio: " << list.dump();
    return 0;
  }
  return list["items"][0]["id"].get<long long>();
}

nlohmann::json resting_limit(std::uint16_t port, const std::string& symbol, long long portfolio, double quantity) {
  const auto pid = portfolio > 0 ? portfolio : portfolio_id(port);
  expect_json_response(send_json(port, "POST", "/api/risk/limits/" + std::to_string(pid), {{"price_band", 0.6}}), 200,
                       "POST limits price_band");
  const double price = std::round(last_price(port, symbol) * 50.0) / 100.0;
  return {{"symbol", symbol}, {"side", "buy"}, {"quantity", quantity}, {"type", "limit"}, {"limit_price", price}};
}

void expect_finite_numbers(const json& j, std::string_view where) {
  if (j.is_number_float()) {
    EXPECT_TRUE(std::isfinite(j.get<double>())) << where << " is not finite";
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) expect_finite_numbers(v, std::string(where) + "." + k);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      expect_finite_numbers(j[i], std::string(where) + "[" + std::to_string(i) + "]");
  }
}

void expect_order(const json& o, std::string_view where) {
  expect_fields(o, where,
                {{"id", {K::integer}},
                 {"client_order_id", {K::string, K::null}},
                 {"portfolio_id", {K::integer}},
                 {"symbol", {K::string}},
                 {"side", {K::string}},
                 {"type", {K::string}},
                 {"time_in_force", {K::string}},
                 {"quantity", {K::number}},
                 {"filled_quantity", {K::number}},
                 {"remaining_quantity", {K::number}},
                 {"limit_price", {K::number, K::null}},
                 {"stop_price", {K::number, K::null}},
                 {"trail_amount", {K::number, K::null}},
                 {"trail_percent", {K::number, K::null}},
                 {"take_profit", {K::number, K::null}},
                 {"stop_loss", {K::number, K::null}},
                 {"bracket_trail_amount", {K::number, K::null}},
                 {"bracket_trail_percent", {K::number, K::null}},
                 {"reduce_only", {K::boolean}},
                 {"status", {K::string}},
                 {"terminal", {K::boolean}},
                 {"average_price", {K::number, K::null}},
                 {"filled_notional", {K::number}},
                 {"fees", {K::number}},
                 {"reason", {K::string, K::null}},
                 {"strategy_id", {K::integer}},
                 {"placed_by", {K::integer, K::null}},
                 {"parent_id", {K::integer, K::null}},
                 {"oco_id", {K::integer, K::null}},
                 {"created_at", {K::time}},
                 {"updated_at", {K::time}},
                 {"expires_at", {K::time, K::null}},
                 {"ts", {K::integer}}});
}

void expect_portfolio(const json& p, std::string_view where) {
  expect_fields(p, where,
                {{"id", {K::integer}},
                 {"portfolio_id", {K::integer}},
                 {"name", {K::string}},
                 {"currency", {K::string}},
                 {"created_at", {K::time}},
                 {"mode", {K::string}},
                 {"initial_capital", {K::number}},
                 {"cash", {K::number}},
                 {"market_value", {K::number}},
                 {"equity", {K::number}},
                 {"exposure", {K::object}},
                 {"pnl", {K::object}},
                 {"return", {K::number}},
                 {"open_positions", {K::integer}},
                 {"open_orders", {K::integer}},
                 {"trades_count", {K::integer}},
                 {"session_state", {K::string}},
                 {"risk_state", {K::string}},
                 {"updated_at", {K::time}}});
  if (p.is_object() && p.contains("pnl"))
    expect_fields(
        p["pnl"], std::string(where) + ".pnl",
        {{"realized", {K::number}}, {"unrealized", {K::number}}, {"fees", {K::number}}, {"total", {K::number}}});
  if (p.is_object() && p.contains("exposure"))
    expect_fields(p["exposure"], std::string(where) + ".exposure",
                  {{"long", {K::number}},
                   {"short", {K::number}},
                   {"gross", {K::number}},
                   {"net", {K::number}},
                   {"gross_fraction", {K::number}},
                   {"net_fraction", {K::number}},
                   {"positions", {K::array}}});
  expect_finite_numbers(p, where);
}

void expect_metrics(const json& m, std::string_view where) {
  expect_fields(m, where,
                {{"trades", {K::integer}},
                 {"wins", {K::integer}},
                 {"losses", {K::integer}},
                 {"win_rate", {K::number}},
                 {"profit_factor", {K::number}},
                 {"gross_profit", {K::number}},
                 {"gross_loss", {K::number}},
                 {"average_win", {K::number}},
                 {"average_loss", {K::number}},
                 {"expectancy", {K::number}},
                 {"total_return", {K::number}},
                 {"annualised_return", {K::number}},
                 {"volatility", {K::number}},
                 {"sharpe_ratio", {K::number}},
                 {"sortino_ratio", {K::number}},
                 {"calmar_ratio", {K::number}},
                 {"max_drawdown", {K::number}},
                 {"max_drawdown_value", {K::number}},
                 {"max_drawdown_duration_s", {K::number}},
                 {"current_drawdown", {K::number}},
                 {"traded_notional", {K::number}},
                 {"turnover", {K::number}},
                 {"exposure", {K::number}},
                 {"net_exposure", {K::number}},
                 {"returns", {K::integer}},
                 {"periods_per_year", {K::number}}});
  expect_finite_numbers(m, where);
}

void expect_limits(const json& l, std::string_view where) {
  expect_fields(l, where,
                {{"max_order_quantity", {K::number}},
                 {"max_order_notional", {K::number}},
                 {"max_position_notional", {K::number}},
                 {"max_open_positions", {K::integer}},
                 {"max_gross_exposure", {K::number}},
                 {"max_daily_loss", {K::number}},
                 {"max_drawdown", {K::number}},
                 {"max_orders_per_minute", {K::integer}},
                 {"price_band", {K::number}}});
}

void expect_risk_status(const json& r, std::string_view where) {
  expect_fields(r, where,
                {{"portfolio_id", {K::integer}},
                 {"state", {K::string}},
                 {"limits", {K::object}},
                 {"equity", {K::number}},
                 {"day_start_equity", {K::number}},
                 {"peak_equity", {K::number}},
                 {"daily_pnl", {K::number}},
                 {"drawdown", {K::number}},
                 {"daily_loss_hit", {K::boolean}},
                 {"orders_last_minute", {K::integer}},
                 {"denials", {K::object}},
                 {"denials_total", {K::integer}},
                 {"as_of", {K::time}}});
  if (r.is_object() && r.contains("limits")) expect_limits(r["limits"], std::string(where) + ".limits");
  expect_finite_numbers(r, where);
}

void expect_error_field(const json& body, std::string_view field, std::string_view where) {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return;  // reported already
  const auto& details = body["error"].value("details", json::object());
  EXPECT_EQ(details.value("field", ""), field) << where << ": the error names another field: " << body.dump();
}

}  // namespace meridian::e2e
