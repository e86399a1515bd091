#include "meridian/execution/alpaca/messages.hpp"

#include <array>
#include <utility>

#include "../../market/venue_json.hpp"
#include "meridian/core/time.hpp"

namespace meridian::execution::alpaca {

namespace {

namespace vj = market::venue_json;
using vj::field;
using vj::Json;
using S = VenueOrderState;

// Every status of Alpaca's order object (docs.alpaca.markets, "Order Lifecycle").
constexpr std::array<std::pair<std::string_view, S>, 17> kStatuses{{
    {"new", S::working},
    {"accepted", S::working},
    {"pending_new", S::working},
    {"accepted_for_bidding", S::working},
    {"held", S::working},  // a bracket leg waiting for its entry
    {"done_for_day", S::working},
    {"stopped", S::working},    // a trade is guaranteed, not yet made
    {"suspended", S::working},  // not eligible for trading now; may be again
    {"calculated", S::working},
    {"partially_filled", S::partially_filled},
    {"filled", S::filled},
    {"canceled", S::cancelled},
    {"expired", S::expired},
    {"rejected", S::rejected},
    {"replaced", S::replaced},
    {"pending_cancel", S::pending_change},
    {"pending_replace", S::pending_change},
}};

// The trade_updates events (docs.alpaca.markets, "Websocket Streaming") not named after the
// status they leave the order in; every other event is (new, canceled, pending_cancel, ...).
constexpr std::array<std::pair<std::string_view, S>, 5> kEventsOfTheirOwn{{
    {"partial_fill", S::partially_filled},
    {"fill", S::filled},
    {"restated", S::working},
    // A cancel or replace the venue refused: the order goes on as it was.
    {"order_cancel_rejected", S::working},
    {"order_replace_rejected", S::working},
}};

template <class Table>
std::optional<S> look_up(const Table& table, std::string_view name) noexcept {
  for (const auto& [k, v] : table)
    if (k == name) return v;
  return std::nullopt;
}

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool trailing(const OrderRequest& r) noexcept {
  return r.trail_amount.raw() > 0 || r.trail_percent > 0.0;
}

std::string percent_text(double p) {
  // Alpaca takes the percentage as a decimal string; two decimals is its own resolution.
  return core::Price::from_double(p).rounded(2).to_string();
}

std::optional<core::Timestamp> time_of(const Json* j) {
  const auto s = vj::string_of(j);
  if (!s || s->find('T') == std::string_view::npos) return std::nullopt;
  return core::parse_time(*s);
}

// The order object's fields every update needs.
std::optional<VenueOrderUpdate> read_order(const Json& o, std::string& error) {
  VenueOrderUpdate u;
  const auto id = vj::string_of(field(o, "id"));
  const auto cid = vj::string_of(field(o, "client_order_id"));
  const auto status = vj::string_of(field(o, "status"));
  if (!id || !cid || !status) {
    error = "an order without id, client_order_id or status";
    return std::nullopt;
  }
  const auto state = order_state(*status);
  if (!state) {
    error = "an order status Alpaca does not document: " + std::string(status->substr(0, 40));
    return std::nullopt;
  }
  u.venue_order_id = std::string(*id);
  u.client_order_id = std::string(*cid);
  u.state = *state;
  const auto* filled = field(o, "filled_qty");
  if (filled != nullptr && !filled->is_null()) {
    u.cumulative_quantity = vj::decimal_of<core::Quantity>(filled);
    if (!u.cumulative_quantity) {
      error = "filled_qty is not a decimal";
      return std::nullopt;
    }
  }
  const auto* avg = field(o, "filled_avg_price");
  if (avg != nullptr && !avg->is_null()) u.average_price = vj::decimal_of<core::Price>(avg);
  for (const char* k : {"updated_at", "filled_at", "submitted_at", "created_at"})
    if (const auto t = time_of(field(o, k))) {
      u.ts = *t;
      break;
    }
  return u;
}

}  // namespace

std::optional<VenueOrderState> order_state(std::string_view status) noexcept {
  return look_up(kStatuses, status);
}

std::optional<VenueOrderState> event_state(std::string_view event) noexcept {
  if (const auto own = look_up(kEventsOfTheirOwn, event)) return own;
  // Statuses that no event is called: the fill events are partial_fill and fill.
  if (event == "partially_filled" || event == "filled") return std::nullopt;
  return order_state(event);
}

std::string venue_symbol(std::string_view symbol) {
  std::string s(symbol);
  for (auto& c : s)
    if (c == '-') c = '/';
  return s;
}

std::optional<std::string> unsupported(const OrderRequest& r) {
  if (r.take_profit.raw() > 0 || r.stop_loss.raw() > 0 || r.bracket_trail_amount.raw() > 0 ||
      r.bracket_trail_percent > 0.0)
    return "bracket orders are not supported by the Alpaca gateway yet";
  if (trailing(r) && r.type == OrderType::stop_limit) return "Alpaca trails stop orders only, not stop_limit";
  return std::nullopt;
}

std::string order_body(const OrderRequest& r, std::string_view symbol, std::string_view client_order_id) {
  Json j = {{"symbol", symbol},
            {"qty", r.quantity.to_string()},
            {"side", r.side == core::Side::buy ? "buy" : "sell"},
            {"time_in_force", to_string(r.tif)},
            {"client_order_id", client_order_id}};
  if (r.type == OrderType::stop && trailing(r)) {
    j["type"] = "trailing_stop";
    if (r.trail_amount.raw() > 0)
      j["trail_price"] = r.trail_amount.to_string();
    else
      j["trail_percent"] = percent_text(r.trail_percent);
  } else {
    j["type"] = to_string(r.type);
    if (r.type == OrderType::limit || r.type == OrderType::stop_limit) j["limit_price"] = r.limit_price.to_string();
    if (r.type == OrderType::stop || r.type == OrderType::stop_limit) j["stop_price"] = r.stop_price.to_string();
  }
  return dump(j);
}

std::string replace_body(const Order& order, const OrderRequest& changes, std::string_view client_order_id) {
  Json j = {{"qty", (changes.quantity - order.filled_quantity).to_string()}, {"client_order_id", client_order_id}};
  const auto type = order.request.type;
  if (type == OrderType::limit || type == OrderType::stop_limit) j["limit_price"] = changes.limit_price.to_string();
  if ((type == OrderType::stop || type == OrderType::stop_limit) && !trailing(order.request))
    j["stop_price"] = changes.stop_price.to_string();
  return dump(j);
}

std::optional<VenueOrderUpdate> parse_order(std::string_view text, std::string& error) {
  const auto j = vj::parse(text);
  if (!j || !j->is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  return read_order(*j, error);
}

// A REST answer that must be a JSON array of `what`.
static std::optional<Json> array_of(std::string_view text, std::string_view what, std::string& error) {
  auto j = vj::parse(text);
  if (j && j->is_array()) return j;
  error = "the " + std::string(what) + " are not a JSON array";
  return std::nullopt;
}

std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view text, std::string& error) {
  const auto j = array_of(text, "open orders", error);
  if (!j) return std::nullopt;
  std::vector<VenueOpenOrder> out;
  for (const auto& item : *j) {
    if (!item.is_object() || !read_order(item, error)) {
      if (error.empty()) error = "an open order that is not an object";
      return std::nullopt;
    }
    VenueOpenOrder o;
    o.client_order_id = std::string(*vj::string_of(field(item, "client_order_id")));
    o.venue_order_id = std::string(*vj::string_of(field(item, "id")));
    o.symbol = std::string(vj::string_of(field(item, "symbol")).value_or(""));
    o.side = std::string(vj::string_of(field(item, "side")).value_or(""));
    o.quantity = std::string(vj::string_of(field(item, "qty")).value_or(""));
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<std::vector<VenuePosition>> parse_positions(std::string_view text, std::string& error) {
  const auto j = array_of(text, "positions", error);
  if (!j) return std::nullopt;
  std::vector<VenuePosition> out;
  for (const auto& item : *j) {
    const auto symbol = item.is_object() ? vj::string_of(field(item, "symbol")) : std::nullopt;
    const auto qty = item.is_object() ? vj::decimal_of<core::Quantity>(field(item, "qty")) : std::nullopt;
    const auto side = item.is_object() ? vj::string_of(field(item, "side")) : std::nullopt;
    if (!symbol || !qty || (side != "long" && side != "short")) {
      error = "a position without symbol, a decimal qty or side long/short";
      return std::nullopt;
    }
    out.push_back(VenuePosition{std::string(*symbol), *side == "short", *qty});
  }
  return out;
}

std::string error_message(std::string_view body) {
  if (const auto j = vj::parse(body))
    if (const auto m = vj::string_of(field(*j, "message"))) return std::string(m->substr(0, 300));
  return std::string(body.substr(0, 300));
}

std::string auth_message(std::string_view key_id, std::string_view secret) {
  return dump(Json{{"action", "auth"}, {"key", key_id}, {"secret", secret}});
}

std::string listen_message() {
  return R"({"action":"listen","data":{"streams":["trade_updates"]}})";
}

StreamFrame parse_stream_frame(std::string_view text) {
  StreamFrame f;
  const auto j = vj::parse(text);
  const auto stream = j ? vj::string_of(field(*j, "stream")) : std::nullopt;
  const auto* data = j ? field(*j, "data") : nullptr;
  if (!stream || data == nullptr || !data->is_object()) {
    f.kind = StreamFrame::Kind::invalid;
    f.error = "not a stream message";
    return f;
  }
  if (*stream == "authorization") {
    const auto status = vj::string_of(field(*data, "status"));
    f.kind = status == "authorized" ? StreamFrame::Kind::authorized : StreamFrame::Kind::unauthorized;
    if (f.kind == StreamFrame::Kind::unauthorized) f.error = "authorization " + std::string(status.value_or("failed"));
    return f;
  }
  if (*stream == "listening") {
    f.kind = StreamFrame::Kind::listening;
    return f;
  }
  if (*stream != "trade_updates") return f;  // other streams: not ours to read
  const auto event = vj::string_of(field(*data, "event"));
  const auto* order = field(*data, "order");
  const auto state = event ? event_state(*event) : std::nullopt;
  f.kind = StreamFrame::Kind::invalid;
  if (!event || order == nullptr) {
    f.error = "a trade update without event or order";
    return f;
  }
  f.event = std::string(*event);
  if (!state) {
    f.error = "an event Alpaca does not document: " + std::string(event->substr(0, 40));
    return f;
  }
  auto u = read_order(*order, f.error);
  if (!u) return f;
  u->state = *state;
  if (const auto t = time_of(field(*data, "timestamp"))) u->ts = *t;
  if (*state == S::partially_filled || *state == S::filled) {
    const auto exec_id = vj::string_of(field(*data, "execution_id"));
    const auto price = vj::decimal_of<core::Price>(field(*data, "price"));
    const auto qty = vj::decimal_of<core::Quantity>(field(*data, "qty"));
    if (!price || !qty || price->raw() <= 0 || qty->raw() <= 0) {
      f.error = "a fill without a positive price and qty";
      return f;
    }
    // Without an execution id (older streams) the order and its cumulative total name it.
    std::string id =
        exec_id ? std::string(*exec_id)
                : u->venue_order_id + "@" + (u->cumulative_quantity ? u->cumulative_quantity->to_string() : "");
    u->execution = VenueExecution{std::move(id), *qty, *price, core::Money{}, Liquidity::taker};
  }
  f.kind = StreamFrame::Kind::trade_update;
  f.update = std::move(*u);
  return f;
}

}  // namespace meridian::execution::alpaca
