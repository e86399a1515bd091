#pragma once
// Helpers of the order and portfolio suites: requests with any method and a JSON body, the
// documented Order, Portfolio, Metrics and RiskStatus shapes (docs/api-shapes.md), and the
// numbers they carry being finite.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace meridian::e2e {

// A request with a JSON body (empty: none).
HttpResponse send(std::uint16_t port, std::string method, std::string target, std::string body = {});
HttpResponse send_json(std::uint16_t port, std::string method, std::string target, const nlohmann::json& body);

// The last trade price of a symbol (from /api/trading/status); a fatal failure when there is none.
double last_price(std::uint16_t port, const std::string& symbol);

// The daemon's portfolio id (the first of GET /api/portfolios).
long long portfolio_id(std::uint16_t port);

// A buy limit at half the market in `portfolio` (0: the first), as a POST /api/trade body: it
// rests (the portfolio's price band is widened first so risk lets it in).
nlohmann::json resting_limit(std::uint16_t port, const std::string& symbol = "BTC-USD", long long portfolio = 0,
                             double quantity = 0.01);

// Every number anywhere in `j` is finite. (The daemon would render NaN or inf as null, which
// the shape checks refuse where a number is documented.)
void expect_finite_numbers(const nlohmann::json& j, std::string_view where);

void expect_order(const nlohmann::json& o, std::string_view where);
void expect_portfolio(const nlohmann::json& p, std::string_view where);
void expect_metrics(const nlohmann::json& m, std::string_view where);
void expect_limits(const nlohmann::json& l, std::string_view where);
void expect_risk_status(const nlohmann::json& r, std::string_view where);

// The error names `field` in details.field.
void expect_error_field(const nlohmann::json& body, std::string_view field, std::string_view where);

}  // namespace meridian::e2e
