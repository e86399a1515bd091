#include "fake_alpaca.hpp"

#include <nlohmann/json.hpp>

#include "request_count.hpp"

namespace gateway_test {

using venue_test::LoggedRequest;
using venue_test::Reply;
using Json = nlohmann::json;

namespace {

Reply json_reply(unsigned status, const std::string& body) {
  return Reply{status, body, {}, false};
}
Reply message(unsigned status, const std::string& text) {
  return json_reply(status, Json{{"code", 40000000 + status}, {"message", text}}.dump());
}
std::string decimal(double v) {
  auto s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
bool open_status(const std::string& s) {
  return s == "new" || s == "partially_filled" || s == "accepted" || s == "pending_new";
}

}  // namespace

FakeAlpaca::FakeAlpaca()
    : stream_(venue_test::ReplyingWssVenue::Script{
          {},
          [](std::size_t, const std::string& frame) -> std::vector<std::string> {
            const auto j = Json::parse(frame, nullptr, false);
            if (j.is_discarded()) return {};
            if (j.value("action", "") == "auth") {
              const bool ok = j.value("key", "") == kKeyId && j.value("secret", "") == kSecret;
              return {Json{{"stream", "authorization"},
                           {"data", {{"status", ok ? "authorized" : "unauthorized"}, {"action", "authenticate"}}}}
                          .dump()};
            }
            if (j.value("action", "") == "listen")
              return {R"({"stream":"listening","data":{"streams":["trade_updates"]}})"};
            return {};
          }}),
      rest_(venue_test::FakeHttpsVenue::RequestHandler([this](const LoggedRequest& r) { return handle(r); })) {}

VenueOrder* FakeAlpaca::find_client(const std::string& cid) {
  for (auto& [id, o] : orders_)
    if (o.client_order_id == cid) return &o;
  return nullptr;
}

VenueOrder* FakeAlpaca::find_id(const std::string& id) {
  const auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

std::string FakeAlpaca::order_json(const VenueOrder& o) const {
  Json j = {{"id", o.id},
            {"client_order_id", o.client_order_id},
            {"symbol", o.symbol},
            {"side", o.side},
            {"type", o.type},
            {"qty", o.qty},
            {"filled_qty", decimal(o.filled)},
            {"filled_avg_price", o.filled > 0 ? Json(decimal(o.notional / o.filled)) : Json(nullptr)},
            {"limit_price", o.limit_price.empty() ? Json(nullptr) : Json(o.limit_price)},
            {"status", o.status},
            {"updated_at", "2026-12-07T15:04:05.000000Z"}};
  return j.dump();
}

void FakeAlpaca::event(const VenueOrder& o, const std::string& name, const std::string& extra, bool force) {
  if (stream_silent && !force) return;
  stream_.push(R"({"stream":"trade_updates","data":{"event":")" + name + "\"" + extra + R"(,"order":)" + order_json(o) +
               "}}");
}

Reply FakeAlpaca::handle(const LoggedRequest& r) {
  if (r.header("APCA-API-KEY-ID") != kKeyId || r.header("APCA-API-SECRET-KEY") != kSecret)
    return message(401, "unauthorized");
  std::lock_guard lock(mutex_);
  if (r.method == "POST" && r.target == "/v2/orders") return create(r);
  const std::string by_client = "/v2/orders:by_client_order_id?client_order_id=";
  if (r.method == "GET" && r.target.rfind(by_client, 0) == 0) {
    const auto* o = find_client(r.target.substr(by_client.size()));
    return o ? json_reply(200, order_json(*o)) : message(404, "order not found");
  }
  if (r.method == "GET" && r.target.rfind("/v2/orders?", 0) == 0)
    return open_orders_fail ? message(500, "internal error") : open_orders();
  if (r.method == "GET" && r.target == "/v2/positions") return positions();
  const std::string prefix = "/v2/orders/";
  if (r.target.rfind(prefix, 0) != 0) return message(404, "no such route");
  auto* o = find_id(r.target.substr(prefix.size()));
  if (o == nullptr) return message(404, "order not found");
  if (r.method == "DELETE") {
    if (!open_status(o->status)) return message(422, "order is not cancelable");
    o->status = "canceled";
    event(*o, "canceled");
    return Reply{204, "", {}, false};
  }
  if (r.method == "PATCH") {
    if (!open_status(o->status)) return message(422, "order is not replaceable");
    const auto j = Json::parse(r.body, nullptr, false);
    VenueOrder next = *o;
    next.id = "venue-" + std::to_string(next_id_++);
    next.client_order_id = j.value("client_order_id", next.id);
    next.qty = j.value("qty", o->qty);
    next.limit_price = j.value("limit_price", o->limit_price);
    next.status = "new";
    next.filled = 0;
    next.notional = 0;
    o->status = "replaced";
    event(*o, "replaced");
    orders_[next.id] = next;
    event(next, "new");
    return json_reply(200, order_json(next));
  }
  return message(405, "method not allowed");
}

Reply FakeAlpaca::create(const LoggedRequest& r) {
  const auto mode = on_post(posts_++);
  if (mode == Post::reject) return message(403, reject_reason);
  if (mode == Post::rate_limit)
    return Reply{429, R"({"message":"too many requests"})", {{"Retry-After", retry_after}}, false};
  if (mode == Post::server_error) return message(500, "internal server error");
  const auto j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return message(400, "invalid body");
  const auto cid = j.value("client_order_id", "");
  if (!cid.empty() && find_client(cid) != nullptr) return message(422, "client_order_id must be unique");
  VenueOrder o;
  o.id = "venue-" + std::to_string(next_id_++);
  o.client_order_id = cid;
  o.symbol = j.value("symbol", "");
  o.side = j.value("side", "");
  o.type = j.value("type", "");
  o.qty = j.value("qty", "");
  o.limit_price = j.value("limit_price", "");
  orders_[o.id] = o;
  event(o, "new");
  if (mode == Post::accept_then_500) return message(500, "internal server error");
  if (mode == Post::accept_then_lost) return Reply{200, "", {}, true};
  return json_reply(200, order_json(o));
}

// GET /v2/orders?status=open: an array of order objects (the only status the gateway asks for).
Reply FakeAlpaca::open_orders() const {
  auto list = Json::array();
  for (const auto& [id, o] : orders_)
    if (open_status(o.status)) list.push_back(Json::parse(order_json(o)));
  return json_reply(200, list.dump());
}

// GET /v2/positions: Alpaca's position objects, quantities and prices as decimal strings.
Reply FakeAlpaca::positions() const {
  auto list = Json::array();
  for (const auto& [symbol, p] : positions_)
    list.push_back({{"asset_id", "asset-" + symbol},
                    {"symbol", symbol},
                    {"exchange", "NASDAQ"},
                    {"asset_class", "us_equity"},
                    {"qty", decimal(p.first < 0 ? -p.first : p.first)},
                    {"side", p.first < 0 ? "short" : "long"},
                    {"avg_entry_price", decimal(p.second)}});
  return json_reply(200, list.dump());
}

std::string FakeAlpaca::place(const std::string& cid, const std::string& qty, const std::string& limit_price,
                              const std::string& symbol) {
  std::lock_guard lock(mutex_);
  VenueOrder o;
  o.id = "venue-" + std::to_string(next_id_++);
  o.client_order_id = cid;
  o.symbol = symbol;
  o.side = "buy";
  o.type = "limit";
  o.qty = qty;
  o.limit_price = limit_price;
  orders_[o.id] = o;
  return o.id;
}

void FakeAlpaca::set_position(const std::string& symbol, double qty, double avg_entry_price) {
  std::lock_guard lock(mutex_);
  positions_[symbol] = {qty, avg_entry_price};
}

void FakeAlpaca::fill(const std::string& cid, double qty, double price, const std::string& execution_id) {
  std::lock_guard lock(mutex_);
  auto* o = find_client(cid);
  if (o == nullptr) return;
  o->filled += qty;
  o->notional += qty * price;
  const bool done = o->filled >= std::stod(o->qty);
  o->status = done ? "filled" : "partially_filled";
  event(*o, done ? "fill" : "partial_fill",
        R"(,"execution_id":")" + execution_id + R"(","price":")" + decimal(price) + R"(","qty":")" + decimal(qty) +
            R"(","position_qty":")" + decimal(o->filled) + R"(","timestamp":"2026-12-07T15:04:06Z")");
}

void FakeAlpaca::push_fill_event(const std::string& cid, double qty, double price, const std::string& execution_id) {
  std::lock_guard lock(mutex_);
  const auto* o = find_client(cid);
  if (o == nullptr) return;
  event(*o, o->status == "filled" ? "fill" : "partial_fill",
        R"(,"execution_id":")" + execution_id + R"(","price":")" + decimal(price) + R"(","qty":")" + decimal(qty) +
            R"(","timestamp":"2026-12-07T15:04:06Z")",
        true);
}

void FakeAlpaca::cancel(const std::string& cid) {
  std::lock_guard lock(mutex_);
  if (auto* o = find_client(cid)) {
    o->status = "canceled";
    event(*o, "canceled");
  }
}

void FakeAlpaca::expire(const std::string& cid) {
  std::lock_guard lock(mutex_);
  if (auto* o = find_client(cid)) {
    o->status = "expired";
    event(*o, "expired");
  }
}

void FakeAlpaca::reject_after_accept(const std::string& cid, const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (auto* o = find_client(cid)) {
    o->status = "rejected";
    event(*o, "rejected", R"(,"reason":")" + reason + "\"");
  }
}

std::size_t FakeAlpaca::order_count() const {
  std::lock_guard lock(mutex_);
  return orders_.size();
}

std::optional<VenueOrder> FakeAlpaca::order(const std::string& cid) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, o] : orders_)
    if (o.client_order_id == cid) return o;
  return std::nullopt;
}

std::size_t FakeAlpaca::requests(const std::string& method, const std::string& target_part) const {
  return count_requests(rest_.requests(), method, target_part);
}

std::size_t FakeAlpaca::listens() const {
  std::size_t n = 0;
  for (const auto& r : stream_.received()) n += r.frame.find(R"("action":"listen")") != std::string::npos;
  return n;
}

}  // namespace gateway_test
