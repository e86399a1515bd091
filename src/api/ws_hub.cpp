#include "meridian/api/ws_hub.hpp"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "ws_message.hpp"
#include "ws_session.hpp"

namespace meridian::api {

namespace {
const char* session_message_type(engine::SessionChange c) {
  switch (c) {
    case engine::SessionChange::started: return "tradingStarted";
    case engine::SessionChange::stopped: return "tradingStopped";
    case engine::SessionChange::paused: return "tradingPaused";
    case engine::SessionChange::resumed: return "tradingResumed";
  }
  return "status";
}
// Risk changes follow session changes: /ws gets a named message with the full status, the
// seed-003 streams a `state_change` (whose `state` stays the session's; `risk_state` is new).
std::string risk_message(const engine::RiskChanged& change, const engine::Snapshot& snap) {
  auto data = risk_status_json(snap);
  data["from"] = risk::to_string(change.from);
  data["to"] = risk::to_string(change.to);
  data["reason"] = change.reason;
  return ws_text("risk", {{"portfolio_id", snap.portfolio_id}, {"data", std::move(data)}});
}

std::string risk_state_change(const engine::RiskChanged& change, const engine::Snapshot& snap) {
  return ws_text("state_change", {{"portfolio_id", snap.portfolio_id},
                                  {"state", engine::to_string(snap.session.state)},
                                  {"change", "risk"},
                                  {"risk_state", risk::to_string(change.to)},
                                  {"from", risk::to_string(change.from)},
                                  {"reason", change.reason}});
}
}  // namespace

WsHub::WsHub(boost::asio::io_context& io, ApiContext& ctx, WsLimits limits)
    : strand_(boost::asio::make_strand(io)), ctx_(ctx), limits_(limits), last_ticks_(ctx.instruments.size(), 0) {}

std::string WsHub::status_message(std::string_view type, const engine::Snapshot& snap, const char* key) {
  return ws_text(type, {{key, trading_status_json(snap)}});
}

std::string WsHub::candle_message(const CandleStream& stream, const core::Bar& bar, const core::Instrument& inst,
                                  bool closed) {
  auto j = bar_json(bar, inst, closed);
  j["type"] = stream.type;
  return j.dump();
}

void WsHub::attach(engine::EventBus& bus) {
  // Called on the engine strand: hand off at once, serialise on the hub strand.
  bus.subscribe([this](const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap) {
    boost::asio::post(strand_, [this, event, snap] { on_event(event, snap); });
  });
}

// Every portfolio's events come here. Market data is the same for all of them: it is
// forwarded from the default portfolio only (once). Trading messages carry the portfolio_id of
// the portfolio they are about.
void WsHub::on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap) {
  const auto portfolio = snap->portfolio_id;
  const bool from_default = portfolio == ctx_.runner.default_portfolio();
  if (const auto* changed = std::get_if<engine::SessionChanged>(&event)) {
    broadcast(ws_message(session_message_type(changed->change),
                         {{"portfolio_id", portfolio}, {"data", trading_status_json(*snap)}}),
              {.audience = WsTarget::main, .portfolio = portfolio});
    // Seed 003's stream names the transition `state_change`.
    broadcast(ws_message("state_change", {{"portfolio_id", portfolio},
                                          {"state", engine::to_string(snap->session.state)},
                                          {"change", session_message_type(changed->change)}}),
              {.audience = WsTarget::stream, .portfolio = portfolio});
  } else if (const auto* trade = std::get_if<engine::TradeDurable>(&event)) {
    broadcast(ws_message("trade", {{"portfolio_id", portfolio}, {"data", trade_json(trade->trade, ctx_.instruments)}}),
              {.audience = WsTarget::main, .portfolio = portfolio});
  } else if (const auto* sig = std::get_if<engine::SignalRaised>(&event)) {
    auto message =
        ws_message("signal", {{"portfolio_id", portfolio}, {"data", signal_json(sig->entry, ctx_.instruments)}});
    broadcast(message, {.audience = WsTarget::main, .portfolio = portfolio});
    broadcast(
        message,
        {.symbol = static_cast<int>(sig->entry.signal.symbol), .audience = WsTarget::stream, .portfolio = portfolio});
  } else if (const auto* order = std::get_if<engine::OrderChanged>(&event)) {
    broadcast(ws_message("order", {{"portfolio_id", portfolio},
                                   {"data", order_json(order->order, ctx_.instruments, portfolio)}}),
              {.audience = WsTarget::main, .portfolio = portfolio});
  } else if (const auto* risk = std::get_if<engine::RiskChanged>(&event)) {
    broadcast(std::make_shared<const std::string>(risk_message(*risk, *snap)),
              {.audience = WsTarget::main, .portfolio = portfolio});
    broadcast(std::make_shared<const std::string>(risk_state_change(*risk, *snap)),
              {.audience = WsTarget::stream, .portfolio = portfolio});
  } else if (const auto* closed = std::get_if<engine::BarClosed>(&event)) {
    if (from_default && clients() > 0) on_bar(closed->bar);
  } else if (std::holds_alternative<engine::PricesMoved>(event)) {
    if (from_default && clients() > 0) on_prices(*snap);
  }
}

void WsHub::on_prices(const engine::Snapshot& snap) {
  for (const auto& inst : ctx_.instruments.all()) {
    const auto& view = snap.symbols[inst.id];
    if (!view.has_tick || view.ticks == last_ticks_[inst.id]) continue;
    last_ticks_[inst.id] = view.ticks;
    const int symbol = static_cast<int>(inst.id);
    broadcast(ws_message("priceUpdate", {{"data", quote_json(view, inst)}}),
              {symbol, coalesce_key(inst.id, WsUpdate::price), WsTarget::main});
    for (const auto& stream : kCandleStreams) {
      if (auto bar = snap.forming(stream.timeframe, inst.id))
        broadcast(std::make_shared<const std::string>(candle_message(stream, *bar, inst, false)),
                  {symbol, coalesce_key(inst.id, stream.update), WsTarget::candles});
    }
  }
}

void WsHub::on_bar(const core::Bar& bar) {
  // Closed bars never coalesce: each is a final value a client keeps.
  const auto& inst = ctx_.instruments.at(bar.symbol);
  const int symbol = static_cast<int>(bar.symbol);
  broadcast(ws_message("bar", {{"data", bar_json(bar, inst, true)}}), {.symbol = symbol, .audience = WsTarget::main});
  for (const auto& stream : kCandleStreams) {
    if (stream.timeframe == bar.timeframe)
      broadcast(std::make_shared<const std::string>(candle_message(stream, bar, inst, true)),
                {.symbol = symbol, .audience = WsTarget::candles});
  }
}

void WsHub::broadcast(std::shared_ptr<const std::string> message, WsTarget target) {
  std::vector<std::shared_ptr<WsSession>> targets;
  {
    std::lock_guard lock(registry_->mutex);
    targets.reserve(registry_->sessions.size());
    for (const auto& [id, weak] : registry_->sessions)
      if (auto s = weak.lock()) targets.push_back(std::move(s));
  }
  for (const auto& s : targets) s->send(message, target);
}

void WsHub::join(const std::shared_ptr<WsSession>& session) {
  std::lock_guard lock(registry_->mutex);
  registry_->sessions[session->id()] = session;
}

std::size_t WsHub::clients() const {
  std::lock_guard lock(registry_->mutex);
  return registry_->sessions.size();
}

void WsHub::close_all() {
  std::vector<std::shared_ptr<WsSession>> targets;
  {
    std::lock_guard lock(registry_->mutex);
    for (const auto& [id, weak] : registry_->sessions)
      if (auto s = weak.lock()) targets.push_back(std::move(s));
  }
  for (const auto& s : targets) s->close(boost::beast::websocket::close_code::going_away, "server shutting down");
}

}  // namespace meridian::api
