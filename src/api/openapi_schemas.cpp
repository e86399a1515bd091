// The OpenAPI document's companion table (openapi.hpp): for each route of the table, keyed by
// method + pattern, what the route table cannot say. A new route needs an entry here (the
// unit test OpenApi.EveryRouteHasAnEntry fails without one). Shapes follow docs/api-shapes.md.
//
// Each entry's `doc` is a JSON object with any of:
//   "query":     names of components/parameters the handler reads
//   "body":      the request body's JSON Schema ("body_required": false when optional)
//   "responses": {"<status>": JSON Schema, or null for no body}; the first 2xx carries "example"
//   "errors":    statuses the route answers beyond the common ones (400, 429, 500; 401/403 below
//                its role; 404 with a path parameter; 422 with a body)
//   "content_type": the responses' media type when not JSON
// {"$ref":"Name"} names a components/schemas entry.
#include "meridian/api/openapi.hpp"

namespace meridian::api {

namespace {

// JSON Schema 2020-12 (OpenAPI 3.1). Objects list what the handlers write; none is closed
// (additionalProperties), so a member added later does not make the document wrong.
constexpr std::string_view kSchemas = R"json({
  "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
    "required": ["code", "message"], "properties": {
      "code": {"type": "string", "description": "snake_case, e.g. invalid_field, not_found, unauthenticated"},
      "message": {"type": "string"},
      "details": {"type": "object", "description": "field: the field or parameter at fault; reason, allowed, needs, retry_after_s, ..."}}}},
    "example": {"error": {"code": "invalid_field", "message": "quantity must be a number", "details": {"field": "quantity"}}}},
  "Time": {"type": "string", "format": "date-time", "description": "ISO-8601 UTC with milliseconds"},
  "LogRecord": {"type": "object", "properties": {"id": {"type": "integer"}, "time": {"type": "string", "format": "date-time"},
    "ts": {"type": "integer"}, "level": {"type": "string", "enum": ["trace", "debug", "info", "warn", "error", "critical"]},
    "logger": {"type": "string"}, "module": {"type": "string"}, "message": {"type": "string"}}},
  "NullableTime": {"type": ["string", "null"], "format": "date-time"},
  "Number": {"type": "number"},
  "NullableNumber": {"type": ["number", "null"]},
  "Side": {"type": "string", "enum": ["buy", "sell"]},
  "Trade": {"type": "object", "properties": {"id": {"type": "integer"}, "order_id": {"type": "integer"},
    "portfolio_id": {"type": "integer"}, "symbol": {"type": "string"}, "side": {"$ref": "Side"},
    "quantity": {"type": "number"}, "price": {"type": "number"}, "fee": {"type": "number"}, "notional": {"type": "number"},
    "realized_pnl": {"type": "number"}, "strategy": {"type": "string"}, "time": {"$ref": "Time"}, "ts": {"type": "integer"},
    "manual": {"type": "boolean"}, "note": {"type": "string"}}},
  "Position": {"type": "object", "properties": {"symbol": {"type": "string"}, "side": {"type": "string"},
    "quantity": {"type": "number"}, "avg_price": {"type": "number"}, "cost_basis": {"type": "number"},
    "last_price": {"type": "number"}, "market_value": {"type": "number"}, "unrealized_pnl": {"type": "number"},
    "realized_pnl": {"type": "number"}, "updated_at": {"$ref": "Time"}}},
  "Candle": {"type": "object", "properties": {"time": {"$ref": "Time"}, "ts": {"type": "integer"},
    "open": {"type": "number"}, "high": {"type": "number"}, "low": {"type": "number"}, "close": {"type": "number"},
    "volume": {"type": "number"}}},
  "Venue": {"type": "object", "properties": {"name": {"type": "string"},
    "state": {"type": "string", "enum": ["open", "closed", "holiday", "weekend"]}, "is_open": {"type": "boolean"},
    "next_open": {"$ref": "NullableTime"}, "next_close": {"$ref": "NullableTime"}, "as_of": {"$ref": "Time"}}},
  "Pnl": {"type": "object", "properties": {"realized": {"type": "number"}, "unrealized": {"type": "number"},
    "fees": {"type": "number"}, "total": {"type": "number"}}},
  "SessionState": {"type": "string", "enum": ["running", "paused", "stopped"]},
  "RiskState": {"type": "string", "enum": ["active", "reducing", "halted"]},
  "TradingStatus": {"type": "object", "properties": {"state": {"$ref": "SessionState"},
    "is_running": {"type": "boolean"}, "is_paused": {"type": "boolean"}, "mode": {"type": "string"},
    "strategy": {"type": "object"}, "symbols": {"type": "array", "items": {"type": "string"}},
    "last_prices": {"type": "object", "additionalProperties": {"type": "number"}}, "cash": {"type": "number"},
    "equity": {"type": "number"}, "initial_capital": {"type": "number"}, "pnl": {"$ref": "Pnl"},
    "open_positions": {"type": "integer"}, "trades_count": {"type": "integer"}, "risk_state": {"$ref": "RiskState"},
    "started_at": {"$ref": "NullableTime"}, "updated_at": {"$ref": "Time"}, "changed_by": {"type": ["integer", "null"]}}},
  "Order": {"type": "object", "properties": {"id": {"type": "integer"}, "client_order_id": {"type": ["string", "null"]},
    "portfolio_id": {"type": "integer"}, "symbol": {"type": "string"}, "side": {"$ref": "Side"},
    "type": {"type": "string", "enum": ["market", "limit", "stop", "stop_limit"]},
    "time_in_force": {"type": "string", "enum": ["gtc", "ioc", "fok", "day"]}, "quantity": {"type": "number"},
    "filled_quantity": {"type": "number"}, "remaining_quantity": {"type": "number"},
    "limit_price": {"$ref": "NullableNumber"}, "stop_price": {"$ref": "NullableNumber"},
    "trail_amount": {"$ref": "NullableNumber"}, "trail_percent": {"$ref": "NullableNumber"},
    "take_profit": {"$ref": "NullableNumber"}, "stop_loss": {"$ref": "NullableNumber"}, "reduce_only": {"type": "boolean"},
    "status": {"type": "string", "enum": ["new", "accepted", "partially_filled", "filled", "cancelled", "rejected", "expired"]},
    "terminal": {"type": "boolean"}, "triggered": {"type": "boolean"}, "average_price": {"$ref": "NullableNumber"},
    "filled_notional": {"type": "number"}, "fees": {"type": "number"}, "reason": {"type": ["string", "null"]},
    "strategy_id": {"type": "integer"}, "placed_by": {"type": ["integer", "null"]}, "parent_id": {"type": ["integer", "null"]},
    "oco_id": {"type": ["integer", "null"]}, "created_at": {"$ref": "Time"}, "updated_at": {"$ref": "Time"},
    "expires_at": {"$ref": "NullableTime"}, "ts": {"type": "integer"},
    "duplicate": {"type": "boolean", "description": "POST /api/trade: a client_order_id seen before"},
    "durable": {"type": "boolean", "description": "order commands: the journal records are durable"}}},
  "OrderCommandResult": {"$ref": "Order"},
  "Exposure": {"type": "object", "properties": {"long": {"type": "number"}, "short": {"type": "number"},
    "gross": {"type": "number"}, "net": {"type": "number"}, "gross_fraction": {"type": "number"},
    "net_fraction": {"type": "number"}, "positions": {"type": "array", "items": {"type": "object", "properties": {
      "symbol": {"type": "string"}, "market_value": {"type": "number"}, "weight": {"type": "number"}}}}}},
  "Portfolio": {"type": "object", "properties": {"id": {"type": "integer"}, "portfolio_id": {"type": "integer"},
    "name": {"type": "string"}, "currency": {"type": "string"}, "created_at": {"$ref": "Time"},
    "owner_id": {"type": ["integer", "null"]}, "mode": {"type": "string"}, "initial_capital": {"type": "number"},
    "cash": {"type": "number"}, "market_value": {"type": "number"}, "equity": {"type": "number"},
    "exposure": {"$ref": "Exposure"}, "pnl": {"$ref": "Pnl"}, "return": {"type": "number"},
    "open_positions": {"type": "integer"}, "open_orders": {"type": "integer"}, "trades_count": {"type": "integer"},
    "session_state": {"$ref": "SessionState"}, "risk_state": {"$ref": "RiskState"}, "updated_at": {"$ref": "Time"}}},
  "Metrics": {"type": "object", "description": "Closing trades' figures and the equity curve's (docs/api-shapes.md: Metrics)",
    "properties": {"trades": {"type": "integer"}, "wins": {"type": "integer"}, "losses": {"type": "integer"},
    "win_rate": {"type": "number"}, "profit_factor": {"type": "number"}, "gross_profit": {"type": "number"},
    "gross_loss": {"type": "number"}, "average_win": {"type": "number"}, "average_loss": {"type": "number"},
    "expectancy": {"type": "number"}, "total_return": {"type": "number"}, "annualised_return": {"type": "number"},
    "volatility": {"type": "number"}, "sharpe_ratio": {"type": "number"}, "sortino_ratio": {"type": "number"},
    "calmar_ratio": {"type": "number"}, "max_drawdown": {"type": "number"}, "max_drawdown_value": {"type": "number"},
    "max_drawdown_duration_s": {"type": "number"}, "current_drawdown": {"type": "number"},
    "traded_notional": {"type": "number"}, "turnover": {"type": "number"}, "exposure": {"type": "number"},
    "net_exposure": {"type": "number"}, "returns": {"type": "integer"}, "periods_per_year": {"type": "number"}}},
  "Limits": {"type": "object", "description": "0 means no limit",
    "properties": {"max_order_quantity": {"type": "number", "minimum": 0}, "max_order_notional": {"type": "number", "minimum": 0},
    "max_position_notional": {"type": "number", "minimum": 0}, "max_open_positions": {"type": "integer", "minimum": 0},
    "max_gross_exposure": {"type": "number", "minimum": 0}, "max_daily_loss": {"type": "number", "minimum": 0},
    "max_drawdown": {"type": "number", "minimum": 0, "maximum": 1}, "max_orders_per_minute": {"type": "integer", "minimum": 0, "maximum": 4096},
    "price_band": {"type": "number", "minimum": 0, "maximum": 1}}},
  "LimitsUpdate": {"allOf": [{"$ref": "Limits"}], "properties": {"max_position_size": {"type": "number",
    "description": "alias of max_position_notional"}}, "description": "A partial update: any Limits fields; unknown fields are 422"},
  "PortfolioLimits": {"type": "object", "properties": {"portfolio_id": {"type": "integer"}, "limits": {"$ref": "Limits"}}},
  "RiskStatus": {"type": "object", "properties": {"portfolio_id": {"type": "integer"}, "state": {"$ref": "RiskState"},
    "limits": {"$ref": "Limits"}, "equity": {"type": "number"}, "day_start_equity": {"type": "number"},
    "peak_equity": {"type": "number"}, "daily_pnl": {"type": "number"}, "drawdown": {"type": "number"},
    "daily_loss_hit": {"type": "boolean"}, "orders_last_minute": {"type": "integer"},
    "denials": {"type": "object", "additionalProperties": {"type": "integer"}}, "denials_total": {"type": "integer"},
    "as_of": {"$ref": "Time"}}},
  "Signal": {"type": "object", "properties": {"id": {"type": "integer"}, "symbol": {"type": "string"},
    "strategy": {"type": "string"}, "strategy_id": {"type": "integer"}, "side": {"$ref": "Side"},
    "strength": {"type": "number"}, "price": {"type": "number"}, "reason": {"type": "string"},
    "indicators": {"type": "object"}, "acted": {"type": "boolean"}, "time": {"$ref": "Time"}, "ts": {"type": "integer"}}},
  "StrategyInstance": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
    "class": {"type": "string"}, "params": {"type": "object"}, "position_fraction": {"type": "number"},
    "timeframe": {"type": "string"}, "symbols": {"type": "array", "items": {"type": "string"}},
    "portfolio": {"type": "string"}, "portfolio_id": {"type": "integer"}, "active": {"type": "boolean"},
    "state": {"type": "string", "enum": ["added", "initialized", "running", "stopped", "removed"]},
    "disabled": {"type": "boolean"}, "signals": {"type": "integer"},
    "last_signal": {"oneOf": [{"$ref": "Signal"}, {"type": "null"}]}, "version": {"type": "integer"},
    "updated_at": {"$ref": "Time"}}},
  "Role": {"type": "string", "enum": ["anonymous", "viewer", "trader", "admin"]},
  "User": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
    "first_name": {"type": "string"}, "last_name": {"type": "string"}, "role": {"$ref": "Role"},
    "capital": {"type": "number"}, "disabled": {"type": "boolean"}, "created_at": {"$ref": "Time"},
    "updated_at": {"$ref": "Time"}, "broker_keys": {"$ref": "BrokerKeys"},
    "password": {"type": "string", "description": "POST /api/users: the generated password, shown once"}}},
  "BrokerKey": {"type": "object", "properties": {"set": {"type": "boolean"}, "last4": {"type": "string"},
    "updated_at": {"$ref": "Time"}, "last_used_at": {"$ref": "NullableTime"}}},
  "BrokerKeys": {"type": "object", "additionalProperties": {"$ref": "BrokerKey"}},
  "BrokerKeyWrite": {"type": "object", "required": ["key_id", "secret"], "properties": {
    "key_id": {"type": "string", "minLength": 8, "maxLength": 256}, "secret": {"type": "string", "minLength": 8, "maxLength": 256, "writeOnly": true}}},
  "Session": {"type": "object", "properties": {"access_token": {"type": "string"}, "token_type": {"const": "Bearer"},
    "expires_in": {"type": "integer"}, "refresh_token": {"type": "string"}, "refresh_expires_in": {"type": "integer"},
    "user": {"$ref": "User"}}},
  "ApiKey": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
    "hint": {"type": "string"}, "role": {"$ref": "Role"}, "portfolios": {"type": "array", "items": {"type": "integer"}},
    "created_at": {"$ref": "Time"}, "last_used_at": {"$ref": "NullableTime"},
    "key": {"type": "string", "description": "POST only: the key itself (mk_...), shown once"}}},
  "AuditEntry": {"type": "object", "properties": {"id": {"type": "integer"}, "time": {"$ref": "Time"},
    "ts": {"type": "integer"}, "user_id": {"type": ["integer", "null"]}, "role": {"$ref": "Role"},
    "api_key_id": {"type": ["integer", "null"]}, "address": {"type": ["string", "null"]}, "method": {"type": "string"},
    "route": {"type": "string"}, "path": {"type": "string"}, "portfolio_id": {"type": ["integer", "null"]},
    "params": {"type": "object"}, "status": {"type": "integer"}, "result": {"type": "string"}}},
  "Health": {"type": "object", "required": ["status"], "properties": {
    "status": {"type": "string", "enum": ["ok", "degraded", "down"]}, "reason": {"type": ["string", "null"]},
    "version": {"type": "string"}, "uptime_s": {"type": "number"}, "time": {"$ref": "Time"},
    "checks": {"type": "object", "properties": {"database": {"type": "object"}, "feed": {"type": "object"}, "engine": {"type": "object"}}}}},
  "Backtest": {"type": "object", "properties": {"id": {"type": "integer"}, "owner_id": {"type": ["integer", "null"]},
    "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
    "progress": {"type": "number"}, "request": {"type": ["object", "null"]}, "created_at": {"$ref": "Time"},
    "started_at": {"$ref": "NullableTime"}, "finished_at": {"$ref": "NullableTime"}, "error": {"type": ["string", "null"]},
    "metrics": {"type": "object"}, "trades": {"type": "array", "items": {"$ref": "Trade"}},
    "equity_curve": {"type": "array", "items": {"type": "object"}}, "drawdown_curve": {"type": "array", "items": {"type": "object"}}}},
  "BacktestRequest": {"type": "object", "required": ["strategy", "symbols", "from", "to", "data"], "properties": {
    "strategy": {"type": "object", "required": ["class"], "properties": {"class": {"type": "string"}}},
    "symbols": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "from": {"type": "string"},
    "to": {"type": "string"}, "data": {"type": "string", "description": "db or sim:SEED"}, "timeframe": {"type": "string"},
    "initial_capital": {"type": "number"}, "fee_bps": {"type": "number"}, "slippage_bps": {"type": "number"}}},
  "BacktestState": {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}},
  "Stats": {"type": "object", "description": "GET /api/stats (docs/api-shapes.md)", "properties": {
    "uptime_s": {"type": "number"}, "time": {"$ref": "Time"},
    "http": {"type": "object", "properties": {"requests": {"type": "integer"}, "client_errors": {"type": "integer"},
      "server_errors": {"type": "integer"}, "unrouted": {"type": "object"}, "routes": {"type": "array", "items": {"type": "object",
        "properties": {"method": {"type": "string"}, "route": {"type": "string"}, "requests": {"type": "integer"},
          "status": {"type": "object", "properties": {"2xx": {"type": "integer"}, "3xx": {"type": "integer"},
            "4xx": {"type": "integer"}, "5xx": {"type": "integer"}}},
          "latency_ms": {"type": "object", "properties": {"p50": {"type": "number"}, "p90": {"type": "number"},
            "p99": {"type": "number"}, "max": {"type": "number"}}}}}}}},
    "websocket": {"type": "object"}, "engine": {"type": "object"}, "journal": {"type": "object"}, "process": {"type": "object"}}},
  "ItemsOf": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array"},
    "next": {"description": "the cursor of the next page, or null"}}}
})json";

// Query parameters, by name (the handlers' names; ranges as query.hpp's parsers check them).
constexpr std::string_view kParameters = R"json({
  "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "page size (the route's range; 400 invalid_parameter outside it)"},
  "before": {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "id cursor: items older than it (pass the previous page's next)"},
  "symbol": {"name": "symbol", "in": "query", "schema": {"type": "string"}, "description": "a configured symbol or an alias (btcusdt)"},
  "since": {"name": "since", "in": "query", "schema": {"type": "string"}, "description": "ISO-8601 UTC or epoch ms"},
  "status": {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "open, or a comma list of order statuses"},
  "portfolio": {"name": "portfolio", "in": "query", "schema": {"type": "string"}, "description": "an id, default or a name (default: the caller's default portfolio)"},
  "portfolio_id": {"name": "portfolio_id", "in": "query", "schema": {"type": "string"}, "description": "as portfolio"},
  "user_id": {"name": "user_id", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "an admin's: that user's portfolios"},
  "timeframe": {"name": "timeframe", "in": "query", "schema": {"type": "string", "enum": ["1m", "5m", "15m", "1h", "4h", "1d"]}},
  "start": {"name": "start", "in": "query", "schema": {"type": "string"}, "description": "ISO-8601 UTC or epoch ms (inclusive, on the open time)"},
  "end": {"name": "end", "in": "query", "schema": {"type": "string"}, "description": "ISO-8601 UTC or epoch ms (inclusive)"},
  "confidence": {"name": "confidence", "in": "query", "schema": {"type": "number", "minimum": 0.8, "maximum": 0.999, "default": 0.95}},
  "horizon": {"name": "horizon", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 365, "default": 1}, "description": "days"},
  "horizon_days": {"name": "horizon_days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 365}, "description": "as horizon"},
  "benchmark": {"name": "benchmark", "in": "query", "schema": {"type": "string"}, "description": "default: the first configured symbol"},
  "audit_portfolio_id": {"name": "portfolio_id", "in": "query", "schema": {"type": "integer", "minimum": 1}},
  "route": {"name": "route", "in": "query", "schema": {"type": "string"}, "description": "a route pattern, exactly"},
  "from": {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "ISO-8601 UTC or epoch ms (included)"},
  "to": {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "ISO-8601 UTC or epoch ms (included)"},
  "log_level": {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["trace", "debug", "info", "warn", "warning", "error", "critical"]}, "description": "the lowest level wanted"},
  "module": {"name": "module", "in": "query", "schema": {"type": "string"}, "description": "one logger (engine, market, storage, api, app, ...)"},
  "cursor_since": {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}, "description": "instance version cursor"}
})json";

using enum http::verb;

// Common pieces of entries.
#define PAGE(item) R"({"allOf": [{"$ref": "ItemsOf"}], "properties": {"items": {"items": {"$ref": ")" item R"("}}}})"
#define TRADE_QUERY R"("query": ["limit", "before", "symbol", "since", "portfolio", "portfolio_id", "user_id"])"
#define PF_QUERY R"("query": ["portfolio", "portfolio_id", "user_id"])"
#define ORDER_ERRORS R"("errors": [409, 503])"

const std::vector<OperationDoc> kDocs = {
    // System
    {get, "/health", R"({"responses": {"200": {"$ref": "Health"}, "503": {"$ref": "Health"}},
      "example": {"status": "ok", "reason": null, "version": "0.1.0", "uptime_s": 12.3}})"},
    {get, "/api/health", R"({"responses": {"200": {"$ref": "Health"}, "503": {"$ref": "Health"}}})"},
    {get, "/metrics", R"({"content_type": "text/plain", "responses": {"200": {"type": "string",
      "description": "Prometheus text exposition 0.0.4"}}})"},
    {get, "/api/openapi.json", R"({"responses": {"200": {"type": "object", "description": "this document"}}})"},
    {get, "/api/status", R"({"responses": {"200": {"type": "object", "properties": {"status": {"const": "ok"},
      "service": {"type": "string"}, "version": {"type": "string"}, "time": {"$ref": "Time"}, "uptime_s": {"type": "number"},
      "engine": {"type": "object", "properties": {"state": {"type": "string"}, "mode": {"type": "string"}, "symbols": {"type": "integer"}}},
      "read_only": {"type": "boolean"}, "journal": {"type": "object"}, "recovery": {"type": "object"}}}}})"},
    {get, "/api/stats", R"({"responses": {"200": {"$ref": "Stats"}}})"},
    // Trading session
    {get, "/api/engine/status", R"({)" PF_QUERY R"(, "responses": {"200": {"type": "object", "properties": {
      "running": {"type": "boolean"}, "state": {"type": "string"}, "mode": {"type": "string"}, "capital": {"type": "number"},
      "cash": {"type": "number"}, "equity": {"type": "number"}, "positions": {"type": "array", "items": {"$ref": "Position"}},
      "feeds": {"type": "array", "items": {"type": "object"}}, "venues": {"type": "array", "items": {"$ref": "Venue"}},
      "strategies": {"type": "array", "items": {"type": "object"}}, "symbols": {"type": "array", "items": {"type": "string"}}}}}, "errors": [404]})"},
    {get, "/api/trading/status",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404]})"},
    {post, "/api/trading/start", R"({)" PF_QUERY R"(, "body_required": false, "body": {"type": "object", "properties": {
      "strategy": {"type": "object", "description": "a partial strategy: class and params"},
      "symbols": {"type": "array", "items": {"type": "string"}}}},
      "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {post, "/api/trading/stop",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {post, "/api/trading/pause",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {post, "/api/trading/resume",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {put, "/api/trading/strategy", R"({)" PF_QUERY R"(, "body": {"type": "object", "description":
      "the strategy object (class?, params..., position_fraction?, timeframe?), bare or as {\"strategy\": {...}}"},
      "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {post, "/api/trading/reset", R"({)" PF_QUERY R"(, "body": {"type": "object", "required": ["confirm"],
      "properties": {"confirm": {"const": "RESET"}}}, "body_example": {"confirm": "RESET"},
      "responses": {"200": {"$ref": "TradingStatus"}}, "errors": [404, 409, 503]})"},
    {post, "/api/engine/start",
     R"({)" PF_QUERY
     R"(, "responses": {"200": {"type": "object", "description": "engine status"}}, "errors": [404, 409, 503]})"},
    {post, "/api/engine/stop",
     R"({)" PF_QUERY
     R"(, "responses": {"200": {"type": "object", "description": "engine status"}}, "errors": [404, 503]})"},
    {get, "/api/trades", R"({)" TRADE_QUERY R"(, "responses": {"200": )" PAGE("Trade") R"(}, "errors": [404]})"},
    {get, "/api/trading/trades",
     R"({)" TRADE_QUERY R"(, "responses": {"200": )" PAGE("Trade") R"(}, "errors": [404]})"},
    {get, "/api/portfolios/{id}/trades",
     R"({"query": ["limit", "before", "symbol", "since", "user_id"], "responses": {"200": )" PAGE("Trade") R"(}})"},
    {get, "/api/trading/positions",
     R"({)" PF_QUERY R"(, "responses": {"200": )" PAGE("Position") R"(}, "errors": [404]})"},
    {get, "/market/positions", R"({)" PF_QUERY R"(, "responses": {"200": )" PAGE("Position") R"(}, "errors": [404]})"},
    {get, "/api/portfolios/{id}/positions", R"({"query": ["user_id"], "responses": {"200": )" PAGE("Position") R"(}})"},
    // Market data
    {get, "/api/symbols", R"({"responses": {"200": {"allOf": [{"$ref": "ItemsOf"}], "properties": {"items": {"items": {
      "type": "object", "properties": {"symbol": {"type": "string"}, "venue": {"type": "string"}, "asset_class": {"type": "string"},
      "currency": {"type": "string"}, "price_decimals": {"type": "integer"}, "qty_decimals": {"type": "integer"},
      "last_price": {"$ref": "NullableNumber"}}}}}}}})"},
    {get, "/api/market/price/{symbol}",
     R"({"responses": {"200": {"type": "object", "properties": {"symbol": {"type": "string"},
      "price": {"type": "number"}, "bid": {"type": "number"}, "ask": {"type": "number"}, "volume": {"type": "number"},
      "time": {"$ref": "Time"}, "ts": {"type": "integer"}}}}})"},
    {get, "/api/market/{symbol}",
     R"({"query": ["timeframe", "limit", "start", "end"], "responses": {"200": {"$ref": "CandlePage"}}})"},
    {get, "/api/market/history/{symbol}",
     R"({"query": ["timeframe", "limit", "start", "end"], "responses": {"200": {"$ref": "CandlePage"}}})"},
    {get, "/ws/history/{symbol}",
     R"({"query": ["timeframe", "limit", "start", "end"], "responses": {"200": {"$ref": "CandlePage"}}})"},
    {get, "/api/market/regime/{symbol}",
     R"({"query": ["timeframe"], "responses": {"200": {"type": "object", "properties": {"symbol": {"type": "string"},
      "timeframe": {"type": "string"}, "regime": {"type": "string",
      "enum": ["trending_up", "trending_down", "ranging", "volatile", "unknown"]},
      "confidence": {"type": "number", "minimum": 0, "maximum": 1}, "inputs": {"type": "object", "properties": {
      "adx": {"$ref": "NullableNumber"}, "efficiency_ratio": {"$ref": "NullableNumber"},
      "atr_percentile": {"$ref": "NullableNumber"}, "volatility_percentile": {"$ref": "NullableNumber"},
      "bollinger_width_percentile": {"$ref": "NullableNumber"}}}, "bars": {"type": "integer"},
      "as_of": {"$ref": "NullableTime"}}}}})"},
    // Signals and strategies
    {get, "/api/engine/signals",
     R"({"query": ["limit", "before", "symbol", "since", "portfolio", "portfolio_id", "user_id"], "responses": {"200": )" PAGE(
         "Signal") R"(}, "errors": [404]})"},
    {get, "/signals/history",
     R"({"query": ["limit", "before", "symbol", "since", "portfolio", "portfolio_id", "user_id"], "responses": {"200": )" PAGE(
         "Signal") R"(}, "errors": [404]})"},
    {get, "/api/engine/signals/{symbol}", R"({)" PF_QUERY R"(, "responses": {"200": {"type": "object", "properties": {
      "symbol": {"type": "string"}, "signal": {"oneOf": [{"$ref": "Signal"}, {"type": "null"}]}}}}})"},
    {get, "/signals", R"({)" PF_QUERY R"(, "responses": {"200": )" PAGE("Signal") R"(}, "errors": [404]})"},
    {get, "/api/strategies/meta/strategy-classes",
     R"({"responses": {"200": {"type": "object", "properties": {"items": {"type": "array",
      "items": {"type": "object", "properties": {"class": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
      "timeframe": {"type": "string"}, "defaults": {"type": "object"}, "schema": {"type": "object"}}}}}}}})"},
    {get, "/api/strategies/meta/portfolios", R"({"query": ["user_id"], "responses": {"200": {"$ref": "NamePage"}}})"},
    {get, "/api/data/portfolios", R"({"query": ["user_id"], "responses": {"200": {"$ref": "NamePage"}}})"},
    {get, "/api/strategies",
     R"({)" PF_QUERY R"(, "responses": {"200": )" PAGE("StrategyInstance") R"(}, "errors": [404]})"},
    {get, "/api/strategies/meta/removed-strategies",
     R"({)" PF_QUERY R"(, "responses": {"200": )" PAGE("StrategyInstance") R"(}, "errors": [404]})"},
    {get, "/api/strategies/updates",
     R"({"query": ["cursor_since", "portfolio", "portfolio_id", "user_id"], "responses": {"200": {"type": "object",
      "properties": {"items": {"type": "array", "items": {"$ref": "StrategyInstance"}}, "cursor": {"type": "integer"}}}}, "errors": [404]})"},
    {get, "/api/strategies/holdings",
     R"({)" PF_QUERY R"(, "responses": {"200": {"allOf": [{"$ref": "ItemsOf"}], "properties": {"items": {"items": {
      "type": "object", "properties": {"strategy_id": {"type": "integer"}, "portfolio_id": {"type": "integer"}, "name": {"type": "string"},
      "class": {"type": "string"}, "positions": {"type": "array", "items": {"$ref": "Position"}}, "realized_pnl": {"type": "number"},
      "unrealized_pnl": {"type": "number"}, "fees": {"type": "number"}, "pnl": {"type": "number"}}}}}}}, "errors": [404]})"},
    {post, "/api/strategies",
     R"({)" PF_QUERY R"(, "body": {"type": "object", "required": ["name", "class"], "properties": {
      "name": {"type": "string"}, "class": {"type": "string"}, "symbols": {"type": "array", "items": {"type": "string"}, "maxItems": 1024},
      "params": {"type": "object"}, "position_fraction": {"type": "number"}, "portfolio": {"type": ["string", "integer"]},
      "portfolio_id": {"type": ["string", "integer"]}}}, "body_example": {"name": "my-macd", "class": "macd_crossover", "symbols": ["BTC-USD"]},
      "responses": {"201": {"$ref": "StrategyInstance"}}, "errors": [404, 409, 503]})"},
    {patch, "/api/strategies/{id}",
     R"({)" PF_QUERY R"(, "body": {"type": "object", "properties": {"active": {"type": "boolean"},
      "params": {"type": "object"}, "position_fraction": {"type": "number"}, "class": {"type": "string"}, "timeframe": {"type": "string"},
      "symbols": {"type": "array", "items": {"type": "string"}}, "portfolio": {"type": ["string", "integer"]}}},
      "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [409, 503]})"},
    {post, "/api/strategies/restore",
     R"({)" PF_QUERY R"(, "body": {"type": "object", "required": ["name"], "properties": {
      "name": {"type": "string"}, "portfolio": {"type": ["string", "integer"]}}}, "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [404, 409, 503]})"},
    {post, "/api/strategies/{name}/init",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [409, 503]})"},
    {post, "/api/strategies/{name}/start",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [409, 503]})"},
    {post, "/api/strategies/{name}/stop",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [409, 503]})"},
    {delete_, "/api/strategies/{name}/remove",
     R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "StrategyInstance"}}, "errors": [409, 503]})"},
    {delete_, "/api/strategies/{name}/delete",
     R"({)" PF_QUERY R"(, "responses": {"200": {"type": "object", "properties": {
      "deleted": {"type": "string"}}}}, "errors": [409, 503]})"},
    // Orders
    {post, "/api/trade",
     R"({"query": ["portfolio", "portfolio_id"], "body": {"type": "object", "required": ["symbol", "side"], "properties": {
      "symbol": {"type": "string"}, "side": {"$ref": "Side"}, "quantity": {"type": "number", "minimum": 0}, "qty": {"type": "number"},
      "type": {"type": "string", "enum": ["market", "limit", "stop", "stop_limit"], "default": "market"},
      "limit_price": {"type": "number"}, "stop_price": {"type": "number"}, "time_in_force": {"type": "string", "enum": ["gtc", "ioc", "fok", "day"]},
      "tif": {"type": "string"}, "trail_amount": {"type": "number"}, "trail_percent": {"type": "number"}, "take_profit": {"type": "number"},
      "stop_loss": {"type": "number"}, "client_order_id": {"type": "string", "maxLength": 64}, "portfolio_id": {"type": ["string", "integer"]}}},
      "body_example": {"symbol": "BTC-USD", "side": "buy", "quantity": 0.01, "type": "limit", "limit_price": 60000},
      "responses": {"201": {"$ref": "Order"}, "200": {"$ref": "Order"}}, "errors": [404, 409, 503]})"},
    {get, "/api/orders",
     R"({"query": ["limit", "before", "symbol", "since", "status", "portfolio", "portfolio_id", "user_id"],
      "responses": {"200": )" PAGE("Order") R"(}, "errors": [404]})"},
    {get, "/api/orders/{id}", R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "Order"}}})"},
    {delete_, "/api/orders/{id}", R"({)" PF_QUERY R"(, "responses": {"200": {"$ref": "Order"}}, )" ORDER_ERRORS R"(})"},
    {patch, "/api/orders/{id}",
     R"({)" PF_QUERY R"(, "body": {"type": "object", "properties": {"quantity": {"type": "number"},
      "limit_price": {"type": "number"}, "stop_price": {"type": "number"}}}, "responses": {"200": {"$ref": "Order"}}, )" ORDER_ERRORS
     R"(})"},
    {post, "/api/trades",
     R"({"query": ["portfolio", "portfolio_id"], "body": {"type": "object", "required": ["symbol", "side", "price"], "properties": {
      "symbol": {"type": "string"}, "side": {"$ref": "Side"}, "quantity": {"type": "number"}, "qty": {"type": "number"},
      "price": {"type": "number"}, "fee": {"type": "number", "default": 0}, "force": {"type": "boolean", "default": false},
      "reason": {"type": "string", "maxLength": 200}, "portfolio_id": {"type": ["string", "integer"]}}},
      "responses": {"201": {"$ref": "Order"}}, "errors": [404, 409, 503]})"},
    {get, "/api/orders-trades",
     R"({"query": ["limit", "symbol", "since", "portfolio", "portfolio_id", "user_id"], "responses": {"200": {"type": "object",
      "properties": {"orders": {"type": "array", "items": {"$ref": "Order"}}, "trades": {"type": "array", "items": {"$ref": "Trade"}}}}}, "errors": [404]})"},
    // Portfolios and risk
    {get, "/api/portfolios", R"({"query": ["user_id"], "responses": {"200": )" PAGE("Portfolio") R"(}})"},
    {post, "/api/portfolios",
     R"({"body": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 64},
      "initial_capital": {"type": ["number", "string"], "default": 100000}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "USD"},
      "mode": {"const": "paper"}, "limits": {"$ref": "LimitsUpdate"}}, "additionalProperties": false},
      "body_example": {"name": "swing", "initial_capital": 250000},
      "responses": {"201": {"$ref": "Portfolio"}}, "errors": [409, 503]})"},
    {get, "/api/portfolios/{id}", R"({"query": ["user_id"], "responses": {"200": {"$ref": "Portfolio"}}})"},
    {delete_, "/api/portfolios/{id}", R"({"query": ["user_id"], "responses": {"204": null}, "errors": [409, 503]})"},
    {get, "/api/portfolios/{id}/performance",
     R"({"query": ["limit", "user_id"], "responses": {"200": {"type": "object", "properties": {
      "portfolio_id": {"type": "integer"}, "equity": {"type": "number"}, "initial_capital": {"type": "number"}, "points": {"type": "integer"},
      "equity_curve": {"type": "array", "items": {"type": "object", "properties": {"time": {"$ref": "Time"}, "ts": {"type": "integer"}, "equity": {"type": "number"}}}},
      "metrics": {"$ref": "Metrics"}, "as_of": {"$ref": "Time"}}}}})"},
    {get, "/api/engine/metrics",
     R"({)" PF_QUERY R"(, "responses": {"200": {"allOf": [{"$ref": "Metrics"}], "properties": {
      "portfolio_id": {"type": "integer"}, "total_trades": {"type": "integer"}, "equity": {"type": "number"}, "cash": {"type": "number"},
      "risk_state": {"$ref": "RiskState"}, "as_of": {"$ref": "Time"}}}}, "errors": [404]})"},
    {get, "/api/risk/var/{portfolio_id}",
     R"({"query": ["confidence", "horizon", "horizon_days", "user_id"], "responses": {"200": {"type": "object", "properties": {
      "portfolio_id": {"type": "integer"}, "confidence": {"type": "number"}, "horizon_days": {"type": "number"}, "equity": {"type": "number"},
      "returns": {"type": "object"}, "scaling": {"type": "string"}, "historical": {"$ref": "VarFigures"}, "parametric": {"$ref": "VarFigures"},
      "as_of": {"$ref": "Time"}}}}})"},
    {get, "/api/risk/metrics/{portfolio_id}",
     R"({"query": ["benchmark", "user_id"], "responses": {"200": {"type": "object", "properties": {
      "portfolio_id": {"type": "integer"}, "equity": {"type": "number"}, "drawdown": {"type": "object"}, "volatility": {"type": "object"},
      "beta": {"type": "object"}, "correlation": {"type": "object"}, "exposure": {"$ref": "Exposure"}, "as_of": {"$ref": "Time"}}}}})"},
    {get, "/api/risk/limits/{portfolio_id}",
     R"({"query": ["user_id"], "responses": {"200": {"$ref": "PortfolioLimits"}}})"},
    {post, "/api/risk/limits/{portfolio_id}",
     R"({"query": ["user_id"], "body": {"$ref": "LimitsUpdate"}, "body_example": {"max_daily_loss": 5000},
      "responses": {"200": {"$ref": "PortfolioLimits"}}, "errors": [503]})"},
    {get, "/api/risk/status/{portfolio_id}", R"({"query": ["user_id"], "responses": {"200": {"$ref": "RiskStatus"}}})"},
    {post, "/api/risk/state/{portfolio_id}",
     R"({"query": ["user_id"], "body": {"type": "object", "required": ["state"], "properties": {
      "state": {"$ref": "RiskState"}}}, "body_example": {"state": "halted"}, "responses": {"200": {"$ref": "RiskStatus"}}, "errors": [503]})"},
    // Operators
    {get, "/api/admin/dead-letters",
     R"({"responses": {"200": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object",
      "properties": {"id": {"type": "integer"}, "portfolio_id": {"type": "integer"}, "kind": {"type": "string"}, "journal_seq": {"type": "integer"},
      "payload": {"type": "object"}, "error": {"type": "string"}, "sqlstate": {"type": ["string", "null"]}, "depends_on": {"type": ["integer", "null"]},
      "first_seen": {"$ref": "Time"}, "state": {"type": "string"}}}}, "pending": {"type": "integer"}, "dead_lettered_this_run": {"type": "integer"}}}}, "errors": [503]})"},
    {get, "/api/logs",
     R"({"query": ["log_level", "module", "since", "limit", "before"], "responses": {"200": {"type": "object",
      "properties": {"items": {"type": "array", "items": {"$ref": "LogRecord"}}, "next": {"type": ["integer", "null"]},
      "source": {"type": "string", "enum": ["database", "memory"]}}}}, "errors": [422, 503]})"},
    {post, "/api/admin/reload",
     R"({"responses": {"200": {"type": "object", "properties": {"applied": {"type": "array", "items": {"type": "string"}},
      "restart_required": {"type": "array", "items": {"type": "string"}}, "unchanged": {"type": "boolean"}}}},
      "errors": [404, 422]})"},
    {get, "/api/audit",
     R"({"query": ["limit", "before", "user_id", "audit_portfolio_id", "route", "from", "to"], "responses": {"200": )" PAGE(
         "AuditEntry") R"(},
      "errors": [404, 422, 503]})"},
    // Accounts
    {post, "/api/auth/register",
     R"({"body": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"},
      "password": {"type": "string", "minLength": 10, "maxLength": 1024, "writeOnly": true}, "first_name": {"type": "string"}, "last_name": {"type": "string"}}},
      "responses": {"201": {"$ref": "Session"}}, "errors": [403, 404, 409, 503]})"},
    {post, "/api/auth/login",
     R"({"body": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"},
      "password": {"type": "string", "writeOnly": true}}}, "body_example": {"email": "ada@example.com", "password": "correct horse battery"},
      "responses": {"200": {"$ref": "Session"}}, "errors": [401, 403, 404, 503]})"},
    {post, "/api/auth/refresh",
     R"({"body": {"$ref": "RefreshToken"}, "responses": {"200": {"$ref": "Session"}}, "errors": [401, 404, 503]})"},
    {post, "/api/auth/logout",
     R"({"body": {"$ref": "RefreshToken"}, "responses": {"204": null}, "errors": [401, 404, 503]})"},
    {get, "/api/auth/me",
     R"({"responses": {"200": {"allOf": [{"$ref": "User"}], "properties": {"session": {"type": "object", "properties": {
      "role": {"$ref": "Role"}, "api_key_id": {"type": ["integer", "null"]}}}}}}, "errors": [404, 503]})"},
    {post, "/api/auth/password",
     R"({"body": {"type": "object", "required": ["current_password", "new_password"], "properties": {
      "current_password": {"type": "string", "writeOnly": true}, "new_password": {"type": "string", "minLength": 10, "maxLength": 1024, "writeOnly": true}}},
      "responses": {"204": null}, "errors": [404, 503]})"},
    {get, "/api/auth/keys", R"({"responses": {"200": )" PAGE("ApiKey") R"(}, "errors": [404, 503]})"},
    {post, "/api/auth/keys",
     R"({"body": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "role": {"$ref": "Role"},
      "portfolios": {"type": "array", "items": {"type": ["integer", "string"]}}}}, "body_example": {"name": "bot", "role": "viewer"},
      "responses": {"201": {"$ref": "ApiKey"}}, "errors": [409, 503]})"},
    {delete_, "/api/auth/keys/{id}", R"({"responses": {"204": null}, "errors": [503]})"},
    {put, "/api/auth/me/broker-keys/{broker}",
     R"({"body": {"$ref": "BrokerKeyWrite"}, "responses": {"200": {"$ref": "BrokerKey"}}, "errors": [409, 503]})"},
    {delete_, "/api/auth/me/broker-keys/{broker}", R"({"responses": {"204": null}, "errors": [503]})"},
    {get, "/api/users", R"({"responses": {"200": )" PAGE("User") R"(}, "errors": [404, 503]})"},
    {post, "/api/users",
     R"({"body": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string"},
      "first_name": {"type": "string"}, "last_name": {"type": "string"}, "role": {"$ref": "Role"}, "capital": {"type": "number"},
      "password": {"type": "string", "writeOnly": true}}}, "responses": {"201": {"$ref": "User"}}, "errors": [404, 409, 503]})"},
    {get, "/api/users/{id}", R"({"responses": {"200": {"$ref": "User"}}, "errors": [503]})"},
    {patch, "/api/users/{id}",
     R"({"body": {"type": "object", "properties": {"email": {"type": "string"}, "first_name": {"type": "string"},
      "last_name": {"type": "string"}, "role": {"$ref": "Role"}, "capital": {"type": "number"}, "disabled": {"type": "boolean"},
      "broker_keys": {"type": "object", "additionalProperties": {"oneOf": [{"$ref": "BrokerKeyWrite"}, {"type": "null"}]}}},
      "additionalProperties": false}, "responses": {"200": {"$ref": "User"}}, "errors": [409, 503]})"},
    // Backtests
    {post, "/api/backtest",
     R"({"body": {"$ref": "BacktestRequest"}, "body_example": {"strategy": {"class": "sma_crossover"},
      "symbols": ["BTC-USD"], "from": "2026-01-01", "to": "2026-02-01", "data": "sim:42"},
      "responses": {"202": {"$ref": "BacktestState"}}, "errors": [413, 503]})"},
    {get, "/api/backtests",
     R"({"query": ["limit", "before", "user_id"], "responses": {"200": )" PAGE("Backtest") R"(}, "errors": [503]})"},
    {get, "/api/backtest/{id}", R"({"responses": {"200": {"$ref": "Backtest"}}, "errors": [503]})"},
    {delete_, "/api/backtest/{id}",
     R"({"responses": {"200": {"$ref": "BacktestState"}, "204": null}, "errors": [409, 503]})"},
    {post, "/api/backtest/{id}/monte-carlo", R"({"body_required": false, "body": {"type": "object", "properties": {
      "paths": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1000}, "seed": {"type": "integer"}, "block": {"type": "integer"},
      "drawdown_threshold": {"type": "number"}}}, "responses": {"200": {"type": "object", "properties": {"id": {"type": "integer"},
      "paths": {"type": "integer"}, "trades": {"type": "object"}, "daily_returns": {"type": "object"}}}}, "errors": [409, 503]})"},
};

#undef PAGE
#undef TRADE_QUERY
#undef PF_QUERY
#undef ORDER_ERRORS

// Shapes only entries use.
constexpr std::string_view kEntrySchemas = R"json({
  "CandlePage": {"type": "object", "properties": {"symbol": {"type": "string"}, "timeframe": {"type": "string"},
    "items": {"type": "array", "items": {"$ref": "Candle"}}, "partial": {"oneOf": [{"$ref": "Candle"}, {"type": "null"}]},
    "next": {"type": ["integer", "null"]}}},
  "NamePage": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}}, "next": {"type": "null"}}},
  "VarFigures": {"type": "object", "properties": {"var": {"type": "number"}, "cvar": {"type": "number"},
    "var_amount": {"type": "number"}, "cvar_amount": {"type": "number"}}},
  "RefreshToken": {"type": "object", "required": ["refresh_token"], "properties": {"refresh_token": {"type": "string", "writeOnly": true}}}
})json";

}  // namespace

const std::vector<OperationDoc>& operation_docs() {
  return kDocs;
}

nlohmann::json openapi_components() {
  auto schemas = nlohmann::json::parse(kSchemas);
  schemas.update(nlohmann::json::parse(kEntrySchemas));
  return {{"schemas", std::move(schemas)}, {"parameters", nlohmann::json::parse(kParameters)}};
}

}  // namespace meridian::api
