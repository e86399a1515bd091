#include "meridian/execution/alpaca/alpaca_executor.hpp"

#include <boost/asio/post.hpp>

#include "../gateway_engine_side.hpp"
#include "meridian/execution/alpaca/messages.hpp"
#include "meridian/transport/strand_beside.hpp"

namespace meridian::execution {

namespace asio = boost::asio;
using transport::HttpMethod;
using transport::HttpResult;

namespace {

bool is_2xx(const HttpResult& r) noexcept {
  return r.ok() && r.response.status >= 200 && r.response.status < 300;
}

std::string by_client_path(std::string_view client_order_id) {
  // Our ids are [a-z0-9-]: nothing to escape.
  return "/v2/orders:by_client_order_id?client_order_id=" + std::string(client_order_id);
}

// Alpaca's REST API and trade_updates stream, for the gateway core.
class AlpacaVenue final : public VenueApi {
 public:
  AlpacaVenue(auth::BrokerCredentials keys, const core::InstrumentTable& instruments)
      : keys_(std::move(keys)), instruments_(instruments) {}

  std::string_view name() const noexcept override { return "alpaca"; }
  std::string_view stream_name() const noexcept override { return "trade_updates"; }

  // Alpaca's requests carry no time: sent as they are, with the keys in two headers.
  void finish(const VenueCall&, transport::QueuedRequest& q) override {
    q.headers = {{"APCA-API-KEY-ID", std::string(keys_.key_id.view())},
                 {"APCA-API-SECRET-KEY", std::string(keys_.secret.view())}};
  }

  AnswerKind classify(const HttpResult& r) override {
    if (is_2xx(r)) return AnswerKind::ok;
    if (!r.ok() || r.response.status < 400 || r.response.status >= 500) return AnswerKind::lost;
    switch (r.response.status) {
      case 401:
      case 403: return AnswerKind::auth_failed;
      case 404: return AnswerKind::not_found;
      // 422 for a client order id Alpaca already has: an earlier send of this order got there.
      case 422:
        if (alpaca::error_message(r.response.body).find("client_order_id") != std::string::npos)
          return AnswerKind::duplicate;
        return AnswerKind::refused;
      default: return AnswerKind::refused;
    }
  }
  std::string error_message(std::string_view body) const override { return alpaca::error_message(body); }

  std::optional<VenueCall> submit(const Order& order, std::string_view cid, std::string&) const override {
    const auto symbol = alpaca::venue_symbol(instruments_.at(order.request.symbol).symbol);
    return VenueCall{HttpMethod::post, "/v2/orders", alpaca::order_body(order.request, symbol, cid)};
  }
  VenueCall query(const Order&, std::string_view cid) const override {
    return VenueCall{HttpMethod::get, by_client_path(cid), {}};
  }
  VenueCall cancel(const Order&, std::string_view venue_order_id, std::string_view) const override {
    return VenueCall{HttpMethod::del, "/v2/orders/" + std::string(venue_order_id), {}};
  }
  std::optional<VenueCall> replace(const Order& order, std::string_view venue_order_id, const OrderRequest& changes,
                                   std::string_view cid) const override {
    return VenueCall{HttpMethod::patch, "/v2/orders/" + std::string(venue_order_id),
                     alpaca::replace_body(order, changes, cid)};
  }
  VenueCall open_orders() const override {
    return VenueCall{HttpMethod::get, "/v2/orders?status=open&limit=500&direction=asc", {}};
  }
  VenueCall holdings() const override { return VenueCall{HttpMethod::get, "/v2/positions", {}}; }

  std::optional<VenueOrderUpdate> parse_order(std::string_view body, std::string& error) const override {
    return alpaca::parse_order(body, error);
  }
  std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view body,
                                                               std::string& error) const override {
    return alpaca::parse_open_orders(body, error);
  }
  std::optional<std::vector<VenuePosition>> parse_holdings(std::string_view body, std::string& error) const override {
    return alpaca::parse_positions(body, error);
  }

  // Opened: authenticate; authorized: listen; listening: connected.
  StreamStep stream_opened() const override {
    StreamStep step;
    step.reply = alpaca::auth_message(keys_.key_id.view(), keys_.secret.view());
    return step;
  }
  StreamStep stream_frame(std::string_view text) const override {
    auto frame = alpaca::parse_stream_frame(text);
    StreamStep step;
    switch (frame.kind) {
      case alpaca::StreamFrame::Kind::authorized: step.reply = alpaca::listen_message(); break;
      case alpaca::StreamFrame::Kind::unauthorized:
        step.kind = StreamStep::Kind::auth_failed;
        step.error = std::move(frame.error);
        break;
      case alpaca::StreamFrame::Kind::listening: step.kind = StreamStep::Kind::connected; break;
      case alpaca::StreamFrame::Kind::trade_update:
        step.kind = StreamStep::Kind::update;
        step.update = std::move(frame.update);
        break;
      case alpaca::StreamFrame::Kind::invalid:
        step.kind = StreamStep::Kind::invalid;
        step.error = std::move(frame.error);
        break;
      case alpaca::StreamFrame::Kind::other: break;
    }
    return step;
  }

 private:
  auth::BrokerCredentials keys_;
  const core::InstrumentTable& instruments_;
};

std::unique_ptr<GatewayEngineSide> make_side(asio::any_io_executor engine_strand, asio::any_io_executor io_strand,
                                             AlpacaConfig config, auth::BrokerCredentials keys,
                                             const core::InstrumentTable& instruments) {
  auto hint = auth::broker_hint(keys.key_id.view());
  auto venue = std::make_unique<AlpacaVenue>(std::move(keys), instruments);
  return GatewayEngineSide::make(
      std::move(engine_strand), std::move(io_strand), std::move(config), std::move(venue), std::move(hint), instruments,
      VenueRules{&alpaca::unsupported, "new orders a minute go to alpaca (--alpaca-orders-per-minute)", true});
}

}  // namespace

AlpacaExecutor::AlpacaExecutor(asio::any_io_executor engine_strand, asio::any_io_executor io_strand,
                               AlpacaConfig config, auth::BrokerCredentials keys,
                               const core::InstrumentTable& instruments)
    : GatewayExecutor(
          make_side(std::move(engine_strand), std::move(io_strand), std::move(config), std::move(keys), instruments)) {}

AlpacaExecutor::AlpacaExecutor(asio::any_io_executor engine_strand, AlpacaConfig config, auth::BrokerCredentials keys,
                               const core::InstrumentTable& instruments)
    : AlpacaExecutor(engine_strand, transport::strand_beside(engine_strand), std::move(config), std::move(keys),
                     instruments) {}

std::optional<core::Money> AlpacaExecutor::fee_for(core::SymbolId, core::Price, core::Quantity,
                                                   Liquidity) const noexcept {
  return core::Money{};  // Alpaca charges no commission
}

}  // namespace meridian::execution
