#include "meridian/execution/binance/messages.hpp"

#include <sodium.h>

#include <array>
#include <charconv>
#include <utility>

#include "../../market/venue_json.hpp"
#include "meridian/core/time.hpp"

namespace meridian::execution::binance {

namespace {

namespace vj = market::venue_json;
using vj::field;
using vj::Json;
using S = VenueOrderState;

// Every order status of the Spot API ("ENUM definitions": order status).
constexpr std::array<std::pair<std::string_view, S>, 9> kStatuses{{
    {"NEW", S::working},
    {"PENDING_NEW", S::working},  // an order list's leg not yet placed
    {"PARTIALLY_FILLED", S::partially_filled},
    {"FILLED", S::filled},
    {"CANCELED", S::cancelled},
    {"PENDING_CANCEL", S::pending_change},  // documented as unused
    {"REJECTED", S::rejected},
    {"EXPIRED", S::expired},           // by the order's rules (IOC/FOK unfilled) or by the venue
    {"EXPIRED_IN_MATCH", S::expired},  // self-trade prevention
}};

bool trailing(const OrderRequest& r) noexcept {
  return r.trail_amount.raw() > 0 || r.trail_percent > 0.0;
}

bool has_bracket(const OrderRequest& r) noexcept {
  return r.take_profit.raw() > 0 || r.stop_loss.raw() > 0 || r.bracket_trail_amount.raw() > 0 ||
         r.bracket_trail_percent > 0.0;
}

std::string_view binance_type(OrderType t) noexcept {
  switch (t) {
    case OrderType::market: return "MARKET";
    case OrderType::limit: return "LIMIT";
    case OrderType::stop: return "STOP_LOSS";  // a market order once the stop trades (a sell below, a buy above)
    case OrderType::stop_limit: return "STOP_LOSS_LIMIT";
  }
  return "MARKET";
}

bool has_limit_price(OrderType t) noexcept {
  return t == OrderType::limit || t == OrderType::stop_limit;
}
bool has_stop_price(OrderType t) noexcept {
  return t == OrderType::stop || t == OrderType::stop_limit;
}

// An id Binance sends as a JSON integer ("orderId", "i", "t") as text.
std::optional<std::string> id_text(const Json* j) {
  const auto n = vj::integer_of(j);
  if (!n) return std::nullopt;
  return std::to_string(*n);
}

std::optional<core::Timestamp> time_of(const Json* j) {
  const auto ms = vj::integer_of(j);
  if (!ms || *ms <= 0) return std::nullopt;
  return core::from_epoch_ms(*ms);
}

// The average price over a cumulative quantity and its cumulative quote amount.
std::optional<core::Price> average(std::optional<core::Quantity> qty, const Json* quote) {
  const auto q = vj::decimal_of<core::Money>(quote);
  if (!qty || !q || qty->raw() <= 0 || q->raw() <= 0) return std::nullopt;
  return core::per_unit(*q, *qty);
}

std::optional<Json> object_of(std::string_view text, std::string& error) {
  auto j = vj::parse(text);
  if (j && j->is_object()) return j;
  error = "not a JSON object";
  return std::nullopt;
}

std::optional<VenueOrderUpdate> read_order(const Json& o, std::string& error) {
  const auto id = id_text(field(o, "orderId"));
  auto cid = vj::string_of(field(o, "origClientOrderId"));
  if (!cid || cid->empty()) cid = vj::string_of(field(o, "clientOrderId"));
  const auto status = vj::string_of(field(o, "status"));
  if (!id || !cid || !status) {
    error = "an order without orderId, clientOrderId or status";
    return std::nullopt;
  }
  const auto state = order_state(*status);
  if (!state) {
    error = "an order status Binance does not document: " + std::string(status->substr(0, 40));
    return std::nullopt;
  }
  VenueOrderUpdate u;
  u.venue_order_id = *id;
  u.client_order_id = std::string(*cid);
  u.state = *state;
  u.cumulative_quantity = vj::decimal_of<core::Quantity>(field(o, "executedQty"));
  if (!u.cumulative_quantity || u.cumulative_quantity->raw() < 0) {
    error = "executedQty is not a decimal";
    return std::nullopt;
  }
  u.average_price = average(u.cumulative_quantity, field(o, "cummulativeQuoteQty"));
  for (const char* k : {"updateTime", "transactTime", "workingTime", "time"})
    if (const auto t = time_of(field(o, k))) {
      u.ts = *t;
      break;
    }
  return u;
}

std::optional<std::int64_t> count_of(std::string_view text) noexcept {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

std::optional<std::int64_t> left(const transport::HttpResponse& r, std::string_view header, std::int64_t limit) {
  const auto used = count_of(r.header(header));
  if (!used) return std::nullopt;
  return *used >= limit ? 0 : limit - *used;
}

// ---- filters ----

template <class F>
bool read_decimal(const Json& filter, const char* key, F& out, std::string& error) {
  const auto v = vj::decimal_of<F>(field(filter, key));
  if (!v || v->raw() < 0) {
    error = std::string(vj::string_of(field(filter, "filterType")).value_or("a filter")) + " without a decimal " + key;
    return false;
  }
  out = *v;
  return true;
}

// The names a grid filter's fields and rejections go by.
struct GridNames {
  const char* filter;
  const char* min;
  const char* max;
  const char* step;
};
constexpr GridNames kLotSize{"LOT_SIZE", "minQty", "maxQty", "stepSize"};
constexpr GridNames kPriceFilter{"PRICE_FILTER", "minPrice", "maxPrice", "tickSize"};

template <class F>
bool read_grid(const Json& f, const GridNames& n, std::optional<GridFilter<F>>& out, std::string& error) {
  GridFilter<F> g;
  if (!read_decimal(f, n.min, g.min, error) || !read_decimal(f, n.max, g.max, error) ||
      !read_decimal(f, n.step, g.step, error))
    return false;
  out = g;
  return true;
}

void read_flag(const Json& filter, const char* key, bool& out) {
  if (const auto b = vj::bool_of(field(filter, key))) out = *b;  // absent: Binance's default stands
}

bool read_filter(const Json& f, SymbolFilters& s, std::string& error) {
  const auto type = vj::string_of(field(f, "filterType"));
  if (!type) {
    error = "a filter without filterType";
    return false;
  }
  if (*type == kLotSize.filter) return read_grid(f, kLotSize, s.lot_size, error);
  if (*type == kPriceFilter.filter) return read_grid(f, kPriceFilter, s.price, error);
  if (*type == "MIN_NOTIONAL") {
    MinNotional m;
    if (!read_decimal(f, "minNotional", m.min, error)) return false;
    read_flag(f, "applyToMarket", m.apply_to_market);
    s.min_notional = m;
  } else if (*type == "NOTIONAL") {
    Notional n;
    if (!read_decimal(f, "minNotional", n.min, error)) return false;
    if (field(f, "maxNotional") != nullptr && !read_decimal(f, "maxNotional", n.max, error)) return false;
    read_flag(f, "applyMinToMarket", n.apply_min_to_market);
    read_flag(f, "applyMaxToMarket", n.apply_max_to_market);
    s.notional = n;
  }
  return true;
}

void read_rate_limits(const Json* list, RateLimits& out) {
  if (list == nullptr || !list->is_array()) return;
  for (const auto& l : *list) {
    const auto type = vj::string_of(field(l, "rateLimitType"));
    const auto interval = vj::string_of(field(l, "interval"));
    const auto num = vj::integer_of(field(l, "intervalNum"));
    const auto limit = vj::integer_of(field(l, "limit"));
    if (!type || !interval || !num || !limit || *limit <= 0) continue;
    if (*type == "REQUEST_WEIGHT" && *interval == "MINUTE" && *num == 1) out.weight_1m = *limit;
    if (*type == "ORDERS" && *interval == "SECOND" && *num == 10) out.orders_10s = *limit;
    if (*type == "ORDERS" && *interval == "DAY" && *num == 1) out.orders_1d = *limit;
  }
}

// `value` is on the grid of `step` starting at `min` (a zero step: any value is).
bool on_grid(std::int64_t value, std::int64_t min, std::int64_t step) noexcept {
  return step <= 0 || (value - min) % step == 0;
}

// Why `v` (the request's `what`) is off the filter's range or grid, or nullopt.
template <class F>
std::optional<std::string> check_grid(const GridFilter<F>& g, const GridNames& n, std::string_view what, F v) {
  const auto text = [&](const char* relation, const char* limit_name, F limit) {
    return std::string(n.filter) + ": " + std::string(what) + " " + v.to_string() + " " + relation + " " + limit_name +
           " " + limit.to_string();
  };
  if (g.min.raw() > 0 && v < g.min) return text("is below", n.min, g.min);
  if (g.max.raw() > 0 && v > g.max) return text("is above", n.max, g.max);
  if (!on_grid(v.raw(), g.min.raw(), g.step.raw())) return text("is not a multiple of", n.step, g.step);
  return std::nullopt;
}

std::optional<std::string> check_notional(const SymbolFilters& s, core::Money notional, bool market) {
  const auto text = [&](const char* filter, const char* what, core::Money limit) {
    return std::string(filter) + ": notional " + notional.to_string() + " " + what + " " + limit.to_string();
  };
  if (s.min_notional && (!market || s.min_notional->apply_to_market) && notional < s.min_notional->min)
    return text("MIN_NOTIONAL", "is below minNotional", s.min_notional->min);
  if (s.notional) {
    const auto& n = *s.notional;
    if ((!market || n.apply_min_to_market) && notional < n.min) return text("NOTIONAL", "is below minNotional", n.min);
    if (n.max.raw() > 0 && (!market || n.apply_max_to_market) && notional > n.max)
      return text("NOTIONAL", "is above maxNotional", n.max);
  }
  return std::nullopt;
}

}  // namespace

// ---- signing ----

std::string sign(std::string_view secret, std::string_view payload) {
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);  // it holds the key's pads
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();  // the NUL sodium_bin2hex writes
  return hex;
}

std::string timed(std::string query, std::int64_t recv_window_ms, std::int64_t timestamp_ms) {
  if (!query.empty()) query += '&';
  query += "recvWindow=" + std::to_string(recv_window_ms) + "&timestamp=" + std::to_string(timestamp_ms);
  return query;
}

std::string signed_query(std::string_view secret, std::string query) {
  const auto signature = sign(secret, query);
  query += "&signature=";
  query += signature;
  return query;
}

// ---- orders ----

std::optional<std::string> client_order_id_error(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientOrderId)
    return "client order id '" + std::string(id.substr(0, 64)) + "' is not 1 to 36 characters long (Binance's limit)";
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return "client order id '" + std::string(id) + "' has a character Binance does not take";
  }
  return std::nullopt;
}

std::optional<VenueOrderState> order_state(std::string_view status) noexcept {
  for (const auto& [k, v] : kStatuses)
    if (k == status) return v;
  return std::nullopt;
}

std::optional<std::string> unsupported(const OrderRequest& r) {
  if (has_bracket(r)) return "bracket orders are not supported by the Binance gateway yet";
  if (trailing(r)) return "trailing stops are not supported by the Binance gateway yet";
  if (r.tif == TimeInForce::day) return "Binance spot has no DAY orders (GTC, IOC or FOK)";
  return std::nullopt;
}

std::string order_params(const OrderRequest& r, std::string_view symbol, std::string_view client_order_id) {
  std::string q = "symbol=";
  q += symbol;
  q += r.side == core::Side::buy ? "&side=BUY" : "&side=SELL";
  q += "&type=";
  q += binance_type(r.type);
  if (has_limit_price(r.type)) {
    // Binance's LIMIT and STOP_LOSS_LIMIT require it; MARKET and STOP_LOSS refuse it.
    q += r.tif == TimeInForce::ioc   ? "&timeInForce=IOC"
         : r.tif == TimeInForce::fok ? "&timeInForce=FOK"
                                     : "&timeInForce=GTC";
  }
  q += "&quantity=" + r.quantity.to_string();
  if (has_limit_price(r.type)) q += "&price=" + r.limit_price.to_string();
  if (has_stop_price(r.type)) q += "&stopPrice=" + r.stop_price.to_string();
  q += "&newClientOrderId=";
  q += client_order_id;
  q += "&newOrderRespType=FULL";
  return q;
}

std::string client_id_params(std::string_view symbol, std::string_view client_order_id) {
  std::string q = "symbol=";
  q += symbol;
  q += "&origClientOrderId=";
  q += client_order_id;
  return q;
}

std::optional<VenueOrderUpdate> parse_order(std::string_view text, std::string& error) {
  const auto j = object_of(text, error);
  if (!j) return std::nullopt;
  return read_order(*j, error);
}

std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view text, std::string& error) {
  const auto j = vj::parse(text);
  if (!j || !j->is_array()) {
    error = "the open orders are not a JSON array";
    return std::nullopt;
  }
  std::vector<VenueOpenOrder> out;
  for (const auto& item : *j) {
    const auto u = item.is_object() ? read_order(item, error) : std::nullopt;
    if (!u) {
      if (error.empty()) error = "an open order that is not an object";
      return std::nullopt;
    }
    VenueOpenOrder o;
    o.client_order_id = u->client_order_id;
    o.venue_order_id = u->venue_order_id;
    o.symbol = std::string(vj::string_of(field(item, "symbol")).value_or(""));
    o.side = std::string(vj::string_of(field(item, "side")).value_or(""));
    o.quantity = std::string(vj::string_of(field(item, "origQty")).value_or(""));
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<VenueError> parse_error(std::string_view body) {
  const auto j = vj::parse(body);
  const auto code = j ? vj::integer_of(field(*j, "code")) : std::nullopt;
  const auto msg = j ? vj::string_of(field(*j, "msg")) : std::nullopt;
  if (!code || !msg) return std::nullopt;
  return VenueError{*code, std::string(msg->substr(0, 300))};
}

std::string error_message(std::string_view body) {
  if (const auto e = parse_error(body)) return std::to_string(e->code) + " " + e->message;
  return std::string(body.substr(0, 300));
}

std::optional<std::vector<Balance>> parse_balances(std::string_view text, std::string& error) {
  const auto j = object_of(text, error);
  const auto* list = j ? field(*j, "balances") : nullptr;
  if (list == nullptr || !list->is_array()) {
    if (j) error = "an account without a balances array";
    return std::nullopt;
  }
  std::vector<Balance> out;
  for (const auto& b : *list) {
    const auto asset = vj::string_of(field(b, "asset"));
    const auto free = vj::decimal_of<core::Quantity>(field(b, "free"));
    const auto locked = vj::decimal_of<core::Quantity>(field(b, "locked"));
    if (!asset || !free || !locked || free->raw() < 0 || locked->raw() < 0) {
      error = "a balance without asset or decimal free and locked amounts";
      return std::nullopt;
    }
    out.push_back(Balance{std::string(*asset), *free, *locked});
  }
  return out;
}

// ---- time ----

std::optional<std::int64_t> parse_server_time(std::string_view text) {
  const auto j = vj::parse(text);
  const auto t = j ? vj::integer_of(field(*j, "serverTime")) : std::nullopt;
  if (!t || *t <= 0) return std::nullopt;
  return t;
}

ClockOffset ClockOffset::measure(std::int64_t sent_local_ms, std::int64_t server_ms,
                                 std::int64_t received_local_ms) noexcept {
  const std::int64_t rtt = received_local_ms >= sent_local_ms ? received_local_ms - sent_local_ms : 0;
  return ClockOffset{server_ms - (sent_local_ms + rtt / 2), rtt};
}

bool ClockOffset::skew_exceeds(std::int64_t recv_window_ms) const noexcept {
  const std::int64_t skew = offset_ms < 0 ? -offset_ms : offset_ms;
  return skew > recv_window_ms || round_trip_ms / 2 > recv_window_ms;
}

// ---- rate limits ----

RateHeadroom rate_headroom(const transport::HttpResponse& response, const RateLimits& limits) {
  return RateHeadroom{left(response, "X-MBX-USED-WEIGHT-1M", limits.weight_1m),
                      left(response, "X-MBX-ORDER-COUNT-10S", limits.orders_10s),
                      left(response, "X-MBX-ORDER-COUNT-1D", limits.orders_1d)};
}

// ---- filters ----

const SymbolFilters* ExchangeInfo::find(std::string_view symbol) const noexcept {
  for (const auto& s : symbols)
    if (s.symbol == symbol) return &s;
  return nullptr;
}

std::optional<ExchangeInfo> parse_exchange_info(std::string_view text, std::string& error) {
  const auto j = object_of(text, error);
  const auto* list = j ? field(*j, "symbols") : nullptr;
  if (list == nullptr || !list->is_array()) {
    if (j) error = "exchangeInfo without a symbols array";
    return std::nullopt;
  }
  ExchangeInfo info;
  read_rate_limits(field(*j, "rateLimits"), info.limits);
  for (const auto& item : *list) {
    SymbolFilters s;
    const auto symbol = vj::string_of(field(item, "symbol"));
    const auto* filters = field(item, "filters");
    if (!symbol || filters == nullptr || !filters->is_array()) {
      error = "a symbol without symbol or filters";
      return std::nullopt;
    }
    s.symbol = std::string(*symbol);
    s.status = std::string(vj::string_of(field(item, "status")).value_or(""));
    s.base_asset = std::string(vj::string_of(field(item, "baseAsset")).value_or(""));
    s.quote_asset = std::string(vj::string_of(field(item, "quoteAsset")).value_or(""));
    for (const auto& f : *filters)
      if (!read_filter(f, s, error)) {
        error = s.symbol + ": " + error;
        return std::nullopt;
      }
    info.symbols.push_back(std::move(s));
  }
  return info;
}

std::optional<std::string> check(const SymbolFilters& s, const OrderRequest& r, core::Price reference_price) {
  if (s.status != "TRADING") return s.symbol + " is not trading at the venue (status " + s.status + ")";
  if (s.lot_size)
    if (auto e = check_grid(*s.lot_size, kLotSize, "quantity", r.quantity)) return e;
  if (s.price && has_limit_price(r.type))
    if (auto e = check_grid(*s.price, kPriceFilter, "price", r.limit_price)) return e;
  if (s.price && has_stop_price(r.type))
    if (auto e = check_grid(*s.price, kPriceFilter, "stopPrice", r.stop_price)) return e;
  const bool market = !has_limit_price(r.type);
  const auto price = market ? reference_price : r.limit_price;
  if (price.raw() <= 0) return std::nullopt;  // no reference: the venue's own check stands
  const auto notional = core::checked_notional(price, r.quantity);
  if (!notional) return "notional of " + r.quantity.to_string() + " at " + price.to_string() + " is out of range";
  return check_notional(s, *notional, market);
}

// ---- user data stream ----

std::optional<std::string> parse_listen_key(std::string_view text) {
  const auto j = vj::parse(text);
  const auto key = j ? vj::string_of(field(*j, "listenKey")) : std::nullopt;
  if (!key || key->empty()) return std::nullopt;
  return std::string(*key);
}

StreamEvent parse_stream_event(std::string_view text) {
  StreamEvent ev;
  auto j = vj::parse(text);
  const Json* e = j ? &*j : nullptr;
  for (const char* wrapper : {"data", "event"})
    if (e != nullptr && field(*e, wrapper) != nullptr && field(*e, wrapper)->is_object()) e = field(*e, wrapper);
  const auto type = e ? vj::string_of(field(*e, "e")) : std::nullopt;
  if (!type) {
    ev.kind = StreamEvent::Kind::invalid;
    ev.error = "not a user data stream event";
    return ev;
  }
  if (*type == "listenKeyExpired") {
    ev.kind = StreamEvent::Kind::listen_key_expired;
    return ev;
  }
  if (*type == "outboundAccountPosition" || *type == "balanceUpdate") {
    ev.kind = StreamEvent::Kind::account;
    return ev;
  }
  if (*type != "executionReport") return ev;
  ev.kind = StreamEvent::Kind::invalid;
  const auto& o = *e;
  const auto id = id_text(field(o, "i"));
  // A cancel's report carries the cancel request's id in "c" and the order's in "C".
  auto cid = vj::string_of(field(o, "C"));
  if (!cid || cid->empty()) cid = vj::string_of(field(o, "c"));
  const auto status = vj::string_of(field(o, "X"));
  const auto exec_type = vj::string_of(field(o, "x"));
  if (!id || !cid || !status || !exec_type) {
    ev.error = "an executionReport without i, c, X or x";
    return ev;
  }
  const auto state = order_state(*status);
  if (!state) {
    ev.error = "an order status Binance does not document: " + std::string(status->substr(0, 40));
    return ev;
  }
  auto& u = ev.update;
  u.venue_order_id = *id;
  u.client_order_id = std::string(*cid);
  u.state = *state;
  ev.execution_type = std::string(*exec_type);
  ev.symbol = std::string(vj::string_of(field(o, "s")).value_or(""));
  u.cumulative_quantity = vj::decimal_of<core::Quantity>(field(o, "z"));
  if (!u.cumulative_quantity || u.cumulative_quantity->raw() < 0) {
    ev.error = "an executionReport without a decimal z";
    return ev;
  }
  u.average_price = average(u.cumulative_quantity, field(o, "Z"));
  if (const auto reason = vj::string_of(field(o, "r")); reason && *reason != "NONE") u.reason = std::string(*reason);
  for (const char* k : {"T", "E"})
    if (const auto t = time_of(field(o, k))) {
      u.ts = *t;
      break;
    }
  if (*exec_type == "TRADE") {
    const auto trade = id_text(field(o, "t"));
    const auto qty = vj::decimal_of<core::Quantity>(field(o, "l"));
    const auto price = vj::decimal_of<core::Price>(field(o, "L"));
    const auto fee = vj::decimal_of<core::Money>(field(o, "n"));
    if (!trade || *trade == "-1" || !qty || !price || qty->raw() <= 0 || price->raw() <= 0) {
      ev.error = "a trade without a trade id t and a positive l and L";
      return ev;
    }
    ev.commission_asset = std::string(vj::string_of(field(o, "N")).value_or(""));
    const bool maker = vj::bool_of(field(o, "m")).value_or(false);
    // Trade ids are per symbol: the symbol makes them unique across the account.
    u.execution = VenueExecution{ev.symbol + ":" + *trade, *qty, *price, fee.value_or(core::Money{}),
                                 maker ? Liquidity::maker : Liquidity::taker};
  }
  ev.kind = StreamEvent::Kind::execution_report;
  return ev;
}

}  // namespace meridian::execution::binance
