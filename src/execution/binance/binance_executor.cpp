#include "meridian/execution/binance/binance_executor.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "../gateway_engine_side.hpp"
#include "meridian/core/log.hpp"
#include "meridian/execution/binance/messages.hpp"
#include "meridian/execution/binance/order_check.hpp"
#include "meridian/market/venues/binance/symbols.hpp"
#include "meridian/transport/strand_beside.hpp"

namespace meridian::execution {

namespace asio = boost::asio;
using transport::HttpMethod;
using transport::HttpResult;

namespace {

const std::shared_ptr<spdlog::logger>& gateway_log() {
  return core::module_logger<"gateway">();
}

std::int64_t local_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Binance's spelling of an instrument ("BTC-USDT" -> "BTCUSDT"): the market data's rule, in REST's case.
std::string rest_symbol(std::string_view instrument_symbol) {
  auto s = market::binance::venue_symbol(instrument_symbol);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

constexpr std::int64_t kListenKeyUnknown = -1125;
constexpr std::int64_t kBadApiKey = -2015;
// Retries of the venue facts (time, exchangeInfo) and of the listenKey keepalive.
constexpr std::chrono::milliseconds kFactsRetry{5'000};

// Binance's REST API and user data stream, for the gateway core.
class BinanceVenue final : public VenueApi {
 public:
  BinanceVenue(const BinanceConfig& c, auth::BrokerCredentials keys, const core::InstrumentTable& instruments)
      : keys_(std::move(keys)),
        instruments_(instruments),
        rest_url_(c.rest_url),
        recv_window_ms_(c.recv_window_ms),
        keepalive_interval_(c.keepalive_interval),
        retry_(std::min(kFactsRetry, std::max(c.backoff.max, std::chrono::milliseconds(1)))) {}

  std::string_view name() const noexcept override { return "binance"; }
  std::string_view stream_name() const noexcept override { return "user data"; }
  void attach(VenueLink& link) override { link_ = &link; }

  // The venue's time and filters before any order; the listenKey kept alive.
  void start() override {
    measure_clock();
    fetch_exchange_info();
    link_->later(keepalive_interval_, [this] { keepalive(); });
  }

  // Every request carries the key; a timed one its time and signature, made just before each
  // send (a re-send after a rate limit too), with the venue's time from the measured offset.
  void finish(const VenueCall& c, transport::QueuedRequest& q) override {
    q.headers = {{"X-MBX-APIKEY", std::string(keys_.key_id.view())}};
    if (!c.timed) return;
    const auto at = c.target.find('?');
    std::string path = rest_url_ + c.target.substr(0, at);
    std::string params = at == std::string::npos ? std::string() : c.target.substr(at + 1);
    q.stamp = [this, path = std::move(path), params = std::move(params)](transport::QueuedRequest& r) {
      const auto now = clock_ ? clock_->venue_time(local_ms()) : local_ms();
      r.url = path + "?" + binance::signed_query(keys_.secret.view(), binance::timed(params, recv_window_ms_, now));
    };
  }

  AnswerKind classify(const HttpResult& r) override {
    if (!r.ok()) return AnswerKind::lost;
    if (r.response.status >= 200 && r.response.status < 300) return AnswerKind::ok;
    if (r.response.status >= 500 || r.response.status < 400) return AnswerKind::lost;
    const auto e = binance::parse_error(r.response.body);
    if (!e) return r.response.status == 401 ? AnswerKind::auth_failed : AnswerKind::refused;
    switch (e->code) {
      case binance::kNoSuchOrder: return AnswerKind::not_found;
      case binance::kInvalidTimestamp:
        // Our clock moved off the venue's: measure it again; whether the request got there is
        // unknown to us only for the order path's sake (the venue refused it: asked by id anyway).
        measure_clock();
        return AnswerKind::lost;
      case binance::kInvalidSignature:
      case kBadApiKey: return AnswerKind::auth_failed;
      case binance::kNewOrderRejected:
        if (e->message.find("Duplicate order") != std::string::npos) return AnswerKind::duplicate;
        return AnswerKind::refused;
      default: return AnswerKind::refused;
    }
  }
  std::string error_message(std::string_view body) const override { return binance::error_message(body); }

  std::optional<VenueCall> submit(const Order& order, std::string_view cid, std::string& refusal) const override {
    const binance::VenueFacts facts{info_ ? &*info_ : nullptr, clock_, recv_window_ms_};
    auto prepared = binance::prepare_order(order.request, symbol(order), cid, facts, {});
    if (!prepared) {
      refusal = std::string(prepared.error().code) + ": " + prepared.error().message;
      return std::nullopt;
    }
    return VenueCall{HttpMethod::post, "/api/v3/order?" + prepared->params, {}, true};
  }
  VenueCall query(const Order& order, std::string_view cid) const override {
    return VenueCall{HttpMethod::get, "/api/v3/order?" + binance::client_id_params(symbol(order), cid), {}, true};
  }
  VenueCall cancel(const Order& order, std::string_view, std::string_view cid) const override {
    return VenueCall{HttpMethod::del, "/api/v3/order?" + binance::client_id_params(symbol(order), cid), {}, true};
  }
  std::optional<VenueCall> replace(const Order&, std::string_view, const OrderRequest&,
                                   std::string_view) const override {
    return std::nullopt;
  }
  VenueCall open_orders() const override { return VenueCall{HttpMethod::get, "/api/v3/openOrders", {}, true}; }
  VenueCall holdings() const override { return VenueCall{HttpMethod::get, "/api/v3/account", {}, true}; }

  std::optional<VenueOrderUpdate> parse_order(std::string_view body, std::string& error) const override {
    return binance::parse_order(body, error);
  }
  std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view body,
                                                               std::string& error) const override {
    return binance::parse_open_orders(body, error);
  }
  // The account's balances as long holdings (spot has no shorts).
  std::optional<std::vector<VenuePosition>> parse_holdings(std::string_view body, std::string& error) const override {
    auto balances = binance::parse_balances(body, error);
    if (!balances) return std::nullopt;
    std::vector<VenuePosition> out;
    for (const auto& b : *balances) {
      const auto total = core::Quantity::from_raw(b.free.raw() + b.locked.raw());
      if (total.raw() != 0) out.push_back(VenuePosition{b.asset, false, total});
    }
    return out;
  }

  // The key is in the URL: open is subscribed.
  StreamStep stream_opened() const override {
    StreamStep step;
    step.kind = StreamStep::Kind::connected;
    return step;
  }
  StreamStep stream_frame(std::string_view text) const override {
    auto ev = binance::parse_stream_event(text);
    StreamStep step;
    switch (ev.kind) {
      case binance::StreamEvent::Kind::execution_report:
        step.kind = StreamStep::Kind::update;
        step.update = std::move(ev.update);
        if (step.update.execution) book_fee(ev, *step.update.execution);
        break;
      case binance::StreamEvent::Kind::listen_key_expired:
        step.kind = StreamStep::Kind::reconnect;
        step.error = "listenKey expired: a new one, a new stream";
        listen_key_.clear();
        break;
      case binance::StreamEvent::Kind::invalid:
        step.kind = StreamStep::Kind::invalid;
        step.error = std::move(ev.error);
        break;
      case binance::StreamEvent::Kind::account:
      case binance::StreamEvent::Kind::other: break;
    }
    return step;
  }

  // A new listenKey before every connect: the stream's path.
  bool asks_stream_target() const override { return true; }
  void stream_target(transport::WssOptions::TargetDone done) override {
    link_->request(
        VenueCall{HttpMethod::post, "/api/v3/userDataStream", {}, false}, [this, done = std::move(done)](HttpResult r) {
          auto key = classify(r) == AnswerKind::ok ? binance::parse_listen_key(r.response.body) : std::nullopt;
          if (!key) return done(std::nullopt, "no listenKey: " + describe(r));
          listen_key_ = *key;
          done("/ws/" + *key, {});
        });
  }

 private:
  std::string symbol(const Order& order) const { return rest_symbol(instruments_.at(order.request.symbol).symbol); }

  std::string describe(const HttpResult& r) const {
    if (!r.ok()) return r.error;
    return "HTTP " + std::to_string(r.response.status) + ": " + binance::error_message(r.response.body);
  }

  // Our fee only in the symbol's quote asset (the engine's cash); another asset's is not ours
  // to book: fee 0, counted and logged.
  void book_fee(const binance::StreamEvent& ev, VenueExecution& execution) const {
    const auto* filters = info_ ? info_->find(ev.symbol) : nullptr;
    if (execution.fee.is_zero() || (filters != nullptr && ev.commission_asset == filters->quote_asset)) return;
    ++foreign_fees_;
    gateway_log()->info("binance: a commission of {} {} on {} is not in the quote asset: booked as fee 0 ({} so far)",
                        execution.fee.to_string(), ev.commission_asset, ev.symbol, foreign_fees_);
    execution.fee = core::Money{};
  }

  void measure_clock() {
    if (measuring_) return;
    measuring_ = true;
    const auto sent = local_ms();
    link_->request(VenueCall{HttpMethod::get, "/api/v3/time", {}, false}, [this, sent](HttpResult r) {
      measuring_ = false;
      const auto received = local_ms();
      const auto server = classify(r) == AnswerKind::ok ? binance::parse_server_time(r.response.body) : std::nullopt;
      if (!server) {
        link_->problem("the venue's time: " + describe(r) + "; asking again");
        return link_->later(retry_, [this] { measure_clock(); });
      }
      clock_ = binance::ClockOffset::measure(sent, *server, received);
      if (clock_->skew_exceeds(recv_window_ms_))
        link_->problem("clock_skew: " + binance::clock_skew_message(*clock_, recv_window_ms_));
    });
  }

  void fetch_exchange_info() {
    link_->request(VenueCall{HttpMethod::get, "/api/v3/exchangeInfo", {}, false}, [this](HttpResult r) {
      std::string error;
      const bool ok = classify(r) == AnswerKind::ok;
      auto info = ok ? binance::parse_exchange_info(r.response.body, error) : std::nullopt;
      if (!info) {
        link_->problem("exchangeInfo: " + (ok ? error : describe(r)) + "; asking again");
        return link_->later(retry_, [this] { fetch_exchange_info(); });
      }
      info_ = std::move(*info);
      check_lots();
    });
  }

  // A stepSize coarser than the instrument's lot: orders the engine sizes to its lot would be
  // refused (never conformed), so say which setting to change.
  void check_lots() {
    for (core::SymbolId id = 0; id < instruments_.size(); ++id) {
      const auto& instrument = instruments_.at(id);
      const auto venue = rest_symbol(instrument.symbol);
      const auto* filters = info_->find(venue);
      if (filters == nullptr || !filters->lot_size || filters->lot_size->step.raw() <= 0) continue;
      if (instrument.qty_decimals < 0 || instrument.qty_decimals > core::kFixedDecimals) continue;
      std::int64_t lot_raw = 1;
      for (int k = instrument.qty_decimals; k < core::kFixedDecimals; ++k) lot_raw *= 10;
      const auto lot = core::Quantity::from_raw(lot_raw);
      if (filters->lot_size->step <= lot) continue;
      link_->problem("instrument " + instrument.symbol + ": Binance's LOT_SIZE stepSize for " + venue + " is " +
                     filters->lot_size->step.to_string() + ", coarser than the instrument's lot " + lot.to_string() +
                     ": orders off the step are refused; set the instrument's qty decimals to match");
    }
  }

  // PUT the listenKey every keepalive_interval; an unknown key (-1125) ends the session at the
  // venue: the stream's next connect takes a new one.
  void keepalive() {
    link_->later(keepalive_interval_, [this] { keepalive(); });
    if (listen_key_.empty()) return;
    link_->request(VenueCall{HttpMethod::put, "/api/v3/userDataStream?listenKey=" + listen_key_, {}, false},
                   [this](HttpResult r) {
                     if (classify(r) == AnswerKind::ok) return;
                     const auto e = r.ok() ? binance::parse_error(r.response.body) : std::nullopt;
                     if (e && e->code == kListenKeyUnknown) listen_key_.clear();
                     link_->problem("listenKey keepalive: " + describe(r));
                   });
  }

  auth::BrokerCredentials keys_;
  const core::InstrumentTable& instruments_;
  std::string rest_url_;
  std::int64_t recv_window_ms_;
  std::chrono::milliseconds keepalive_interval_;
  std::chrono::milliseconds retry_;
  VenueLink* link_ = nullptr;
  std::optional<binance::ExchangeInfo> info_;
  std::optional<binance::ClockOffset> clock_;
  bool measuring_ = false;
  mutable std::string listen_key_;
  mutable std::uint64_t foreign_fees_ = 0;  // commissions not in the quote asset
};

std::unique_ptr<GatewayEngineSide> make_side(asio::any_io_executor engine_strand, asio::any_io_executor io_strand,
                                             BinanceConfig config, auth::BrokerCredentials keys,
                                             const core::InstrumentTable& instruments) {
  auto hint = auth::broker_hint(keys.key_id.view());
  GatewayConfig settings = config;
  settings.stream_url += "/ws";  // the path is replaced by /ws/<listenKey> at each connect
  auto venue = std::make_unique<BinanceVenue>(config, std::move(keys), instruments);
  return GatewayEngineSide::make(
      std::move(engine_strand), std::move(io_strand), std::move(settings), std::move(venue), std::move(hint),
      instruments,
      VenueRules{&binance::unsupported, "new orders per 10 s go to binance (--binance-orders-per-10s)", false});
}

}  // namespace

BinanceExecutor::BinanceExecutor(asio::any_io_executor engine_strand, asio::any_io_executor io_strand,
                                 BinanceConfig config, auth::BrokerCredentials keys,
                                 const core::InstrumentTable& instruments)
    : GatewayExecutor(
          make_side(std::move(engine_strand), std::move(io_strand), std::move(config), std::move(keys), instruments)) {}

BinanceExecutor::BinanceExecutor(asio::any_io_executor engine_strand, BinanceConfig config,
                                 auth::BrokerCredentials keys, const core::InstrumentTable& instruments)
    : BinanceExecutor(engine_strand, transport::strand_beside(engine_strand), std::move(config), std::move(keys),
                      instruments) {}

std::optional<core::Money> BinanceExecutor::fee_for(core::SymbolId, core::Price price, core::Quantity quantity,
                                                    Liquidity) const noexcept {
  const auto notional = core::checked_notional(price, quantity);
  if (!notional) return std::nullopt;
  return core::Money::from_raw(notional->raw() / 1000);  // 0.1%
}

}  // namespace meridian::execution
