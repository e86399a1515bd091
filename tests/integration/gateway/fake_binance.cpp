#include "fake_binance.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "request_count.hpp"

namespace gateway_test {

using venue_test::LoggedRequest;
using venue_test::Reply;
using Json = nlohmann::json;
using Params = std::map<std::string, std::string>;

namespace {

// BTCUSDT with the filters the gateway checks, and the default rate limits.
std::string default_exchange_info() {
  const auto limit = [](const char* type, const char* interval, int num, int value) {
    return Json{{"rateLimitType", type}, {"interval", interval}, {"intervalNum", num}, {"limit", value}};
  };
  const Json filters = Json::array(
      {{{"filterType", "PRICE_FILTER"},
        {"minPrice", "0.01000000"},
        {"maxPrice", "1000000.00000000"},
        {"tickSize", "0.01000000"}},
       {{"filterType", "LOT_SIZE"}, {"minQty", "0.00010000"}, {"maxQty", "9000.00000000"}, {"stepSize", "0.00010000"}},
       {{"filterType", "NOTIONAL"},
        {"minNotional", "5.00000000"},
        {"applyMinToMarket", true},
        {"maxNotional", "9000000.00000000"},
        {"applyMaxToMarket", false},
        {"avgPriceMins", 5}}});
  return Json{{"timezone", "UTC"},
              {"rateLimits", Json::array({limit("REQUEST_WEIGHT", "MINUTE", 1, 6000),
                                          limit("ORDERS", "SECOND", 10, 100), limit("ORDERS", "DAY", 1, 200000)})},
              {"symbols", Json::array({{{"symbol", "BTCUSDT"},
                                        {"status", "TRADING"},
                                        {"baseAsset", "BTC"},
                                        {"quoteAsset", "USDT"},
                                        {"filters", filters}}})}}
      .dump();
}

Reply error(unsigned status, int code, const std::string& msg) {
  return Reply{status, Json{{"code", code}, {"msg", msg}}.dump(), {}, false};
}

std::string decimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.8f", v);
  return buf;
}

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool open_status(const std::string& s) {
  return s == "NEW" || s == "PARTIALLY_FILLED";
}

// "a=1&b=2" -> {a:1, b:2}. The gateway's parameters need no percent-decoding.
Params parse_params(const std::string& text) {
  Params out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    const auto eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

// The venue's own check of a signature: OpenSSL's HMAC, not the gateway's signer, compared with
// the hex the request carries (decoded, in constant time).
bool signature_valid(const std::string& key, const std::string& payload, const std::string& hex) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), mac, &len);
  long sent_len = 0;
  unsigned char* sent = OPENSSL_hexstr2buf(hex.c_str(), &sent_len);
  const bool ok = sent != nullptr && sent_len == static_cast<long>(len) && CRYPTO_memcmp(sent, mac, len) == 0;
  OPENSSL_free(sent);
  return ok;
}

}  // namespace

FakeBinance::FakeBinance()
    : exchange_info_(default_exchange_info()),
      stream_(venue_test::ReplyingWssVenue::Script{
          {}, [](std::size_t, const std::string&) { return std::vector<std::string>{}; }}),
      rest_(venue_test::FakeHttpsVenue::RequestHandler([this](const LoggedRequest& r) { return handle(r); })) {}

std::string FakeBinance::exchange_info() const {
  std::lock_guard lock(mutex_);
  return exchange_info_;
}

void FakeBinance::set_exchange_info(std::string json) {
  std::lock_guard lock(mutex_);
  exchange_info_ = std::move(json);
}

void FakeBinance::set_balance(const std::string& asset, const std::string& free, const std::string& locked) {
  std::lock_guard lock(mutex_);
  balances_[asset] = {free, locked};
}

std::int64_t FakeBinance::server_time_ms() const {
  return system_ms() + clock_offset_ms.load();
}

Reply FakeBinance::handle(const LoggedRequest& r) {
  const auto q = r.target.find('?');
  const std::string path = r.target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : r.target.substr(q + 1);
  std::lock_guard lock(mutex_);
  ++weight_;
  Reply reply = [&] {
    if (r.method == "GET" && path == "/api/v3/time")
      return Reply{200, Json{{"serverTime", server_time_ms()}}.dump(), {}, false};
    if (r.method == "GET" && path == "/api/v3/exchangeInfo") return Reply{200, exchange_info_, {}, false};
    if (r.header("X-MBX-APIKEY") != kBinanceKey)
      return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
    if (path == "/api/v3/userDataStream") return listen_key_route(r, parse_params(query + r.body));
    // SIGNED: the signature covers the query string followed by the body.
    const auto at = query.find("signature=");
    if (at == std::string::npos) return error(400, -1102, "Mandatory parameter 'signature' was not sent.");
    const auto sig_end = query.find('&', at);
    const std::string signature =
        query.substr(at + 10, sig_end == std::string::npos ? std::string::npos : sig_end - at - 10);
    std::string unsigned_query = query.substr(0, at == 0 ? 0 : at - 1);
    if (sig_end != std::string::npos) unsigned_query += query.substr(sig_end + (at == 0 ? 1 : 0));
    if (!signature_valid(kBinanceSecret, unsigned_query + r.body, signature))
      return error(400, -1022, "Signature for this request is not valid.");
    const auto params = parse_params(unsigned_query + (r.body.empty() ? "" : "&" + r.body));
    const auto ts = params.find("timestamp");
    const auto window = params.find("recvWindow");
    const std::int64_t recv_window = window == params.end() ? 5000 : std::stoll(window->second);
    if (ts == params.end()) return error(400, -1102, "Mandatory parameter 'timestamp' was not sent.");
    const auto now = server_time_ms();
    const auto stamp = std::stoll(ts->second);
    if (stamp >= now + 1000 || now - stamp > recv_window)
      return error(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    return signed_route(r, path, params);
  }();
  reply.headers.emplace_back("X-MBX-USED-WEIGHT-1M", std::to_string(weight_));
  if (path == "/api/v3/order" && r.method == "POST") {
    ++order_requests_;
    reply.headers.emplace_back("X-MBX-ORDER-COUNT-10S", std::to_string(order_requests_));
    reply.headers.emplace_back("X-MBX-ORDER-COUNT-1D", std::to_string(order_requests_));
  }
  return reply;
}

Reply FakeBinance::signed_route(const LoggedRequest& r, const std::string& path, const Params& params) {
  if (path == "/api/v3/order" && r.method == "POST") return create(params);
  if (path == "/api/v3/order" && (r.method == "GET" || r.method == "DELETE")) {
    auto* o = find(params);
    if (r.method == "GET")
      return o ? Reply{200, order_json(*o), {}, false} : error(400, -2013, "Order does not exist.");
    if (o == nullptr || !open_status(o->status)) return error(400, -2011, "Unknown order sent.");
    o->status = "CANCELED";
    report(*o, "CANCELED");
    return Reply{200, order_json(*o, "cancel-" + std::to_string(o->id)), {}, false};
  }
  if (path == "/api/v3/openOrders" && r.method == "GET") {
    auto list = Json::array();
    const auto symbol = params.find("symbol");
    for (const auto& [id, o] : orders_)
      if (open_status(o.status) && (symbol == params.end() || symbol->second == o.symbol))
        list.push_back(Json::parse(order_json(o)));
    return Reply{200, list.dump(), {}, false};
  }
  if (path == "/api/v3/account" && r.method == "GET") {
    auto list = Json::array();
    for (const auto& [asset, b] : balances_)
      list.push_back({{"asset", asset}, {"free", b.first}, {"locked", b.second}});
    return Reply{200, Json{{"makerCommission", 10}, {"canTrade", true}, {"balances", list}}.dump(), {}, false};
  }
  return error(404, -1100, "no such route in the fake");
}

Reply FakeBinance::create(const Params& p) {
  const auto mode = on_post(posts_++);
  if (mode == Post::reject) return error(400, -2010, reject_reason);
  if (mode == Post::server_error) return error(503, -1001, "Internal error; unable to process your request.");
  if (mode == Post::rate_limit) {
    auto reply = error(429, -1003, "Too many requests; current limit is 6000 request weight per 1 MINUTE.");
    reply.headers.emplace_back("Retry-After", retry_after);
    return reply;
  }
  const auto get = [&](const char* k) {
    const auto it = p.find(k);
    return it == p.end() ? std::string() : it->second;
  };
  for (const char* k : {"symbol", "side", "type", "quantity"})
    if (get(k).empty()) return error(400, -1102, std::string("Mandatory parameter '") + k + "' was not sent.");
  const auto type = get("type");
  if ((type == "LIMIT" || type == "STOP_LOSS_LIMIT") && (get("price").empty() || get("timeInForce").empty()))
    return error(400, -1102, "Mandatory parameter 'price' or 'timeInForce' was not sent.");
  const auto cid = get("newClientOrderId");
  if (const auto* same = find_client(cid); same != nullptr && open_status(same->status))
    return error(400, -2010, "Duplicate order sent.");
  BinanceOrder o;
  o.id = next_id_++;
  o.client_order_id = cid.empty() ? "web_" + std::to_string(o.id) : cid;
  o.symbol = get("symbol");
  o.side = get("side");
  o.type = type;
  o.time_in_force = get("timeInForce");
  o.quantity = get("quantity");
  o.price = get("price");
  o.stop_price = get("stopPrice");
  orders_[o.id] = o;
  report(o, "NEW");
  if (mode == Post::accept_then_lost) return Reply{200, "", {}, true};
  return Reply{200, order_json(o), {}, false};
}

Reply FakeBinance::listen_key_route(const LoggedRequest& r, const Params& params) {
  if (r.method == "POST") {
    // Binance hands back the account's live key; a new one once it expired.
    if (listen_key_.empty())
      listen_key_ = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf1" + std::to_string(++listen_keys_made_);
    return Reply{200, Json{{"listenKey", listen_key_}}.dump(), {}, false};
  }
  const auto key = params.find("listenKey");
  if (key == params.end() || listen_key_.empty() || key->second != listen_key_)
    return error(400, -1125, "This listenKey does not exist.");
  if (r.method == "DELETE") listen_key_.clear();
  return Reply{200, "{}", {}, false};
}

std::string FakeBinance::order_json(const BinanceOrder& o, const std::string& cancel_id) const {
  Json j = {{"symbol", o.symbol},
            {"orderId", o.id},
            {"orderListId", -1},
            {"clientOrderId", cancel_id.empty() ? o.client_order_id : cancel_id},
            {"transactTime", server_time_ms()},
            {"price", o.price.empty() ? "0.00000000" : o.price},
            {"origQty", o.quantity},
            {"executedQty", decimal(o.executed)},
            {"cummulativeQuoteQty", decimal(o.quote)},
            {"status", o.status},
            {"timeInForce", o.time_in_force.empty() ? "GTC" : o.time_in_force},
            {"type", o.type},
            {"side", o.side},
            {"stopPrice", o.stop_price.empty() ? "0.00000000" : o.stop_price},
            {"updateTime", server_time_ms()}};
  if (!cancel_id.empty()) j["origClientOrderId"] = o.client_order_id;
  return j.dump();
}

// An executionReport for the order as it stands; `trade` carries the trade's own fields.
void FakeBinance::report(const BinanceOrder& o, const std::string& execution_type, const std::string& trade) {
  Json j = {{"e", "executionReport"},
            {"E", server_time_ms()},
            {"s", o.symbol},
            {"c", o.client_order_id},
            {"S", o.side},
            {"o", o.type},
            {"f", o.time_in_force.empty() ? "GTC" : o.time_in_force},
            {"q", o.quantity},
            {"p", o.price.empty() ? "0.00000000" : o.price},
            {"P", o.stop_price.empty() ? "0.00000000" : o.stop_price},
            {"x", execution_type},
            {"X", o.status},
            {"r", "NONE"},
            {"i", o.id},
            {"l", "0.00000000"},
            {"z", decimal(o.executed)},
            {"L", "0.00000000"},
            {"n", "0"},
            {"N", nullptr},
            {"T", server_time_ms()},
            {"t", -1},
            {"m", false},
            {"Z", decimal(o.quote)},
            {"C", ""}};
  if (!trade.empty()) j.update(Json::parse(trade));
  stream_.push(j.dump());
}

BinanceOrder* FakeBinance::find_client(const std::string& cid) {
  // The newest order with this id: an id is unique among open orders only.
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it)
    if (it->second.client_order_id == cid) return &it->second;
  return nullptr;
}

BinanceOrder* FakeBinance::find(const Params& params) {
  if (const auto cid = params.find("origClientOrderId"); cid != params.end()) return find_client(cid->second);
  if (const auto id = params.find("orderId"); id != params.end()) {
    const auto it = orders_.find(std::stoll(id->second));
    return it == orders_.end() ? nullptr : &it->second;
  }
  return nullptr;
}

void FakeBinance::fill(const std::string& cid, double qty, double price) {
  std::lock_guard lock(mutex_);
  auto* o = find_client(cid);
  if (o == nullptr) return;
  o->executed += qty;
  o->quote += qty * price;
  o->status = o->executed >= std::stod(o->quantity) - 1e-12 ? "FILLED" : "PARTIALLY_FILLED";
  report(*o, "TRADE",
         Json{{"l", decimal(qty)},
              {"L", decimal(price)},
              {"t", next_trade_++},
              {"n", decimal(qty * price * 0.001)},
              {"N", commission_asset}}
             .dump());
}

void FakeBinance::cancel(const std::string& cid) {
  end(cid, "CANCELED");
}

void FakeBinance::expire(const std::string& cid) {
  end(cid, "EXPIRED");
}

// The venue ends the order by itself: its status and the execution type are the same word.
void FakeBinance::end(const std::string& cid, const std::string& status) {
  std::lock_guard lock(mutex_);
  if (auto* o = find_client(cid)) {
    o->status = status;
    report(*o, status);
  }
}

void FakeBinance::expire_listen_key() {
  std::lock_guard lock(mutex_);
  stream_.push(Json{{"e", "listenKeyExpired"}, {"E", server_time_ms()}, {"listenKey", listen_key_}}.dump());
  listen_key_.clear();
  stream_.close();
}

std::size_t FakeBinance::order_count() const {
  std::lock_guard lock(mutex_);
  return orders_.size();
}

std::optional<BinanceOrder> FakeBinance::order(const std::string& cid) const {
  std::lock_guard lock(mutex_);
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it)
    if (it->second.client_order_id == cid) return it->second;
  return std::nullopt;
}

std::size_t FakeBinance::requests(const std::string& method, const std::string& target_part) const {
  return count_requests(rest_.requests(), method, target_part);
}

std::string FakeBinance::listen_key() const {
  std::lock_guard lock(mutex_);
  return listen_key_;
}

}  // namespace gateway_test
