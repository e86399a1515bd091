#include "meridian/api/ws_hub.hpp"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/api/replay_ring.hpp"
#include "ws_message.hpp"
#include "ws_session.hpp"
#include "ws_topics.hpp"

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

// One topic's stream: its name (as messages carry it), its last seq and what a resume replays.
struct WsHub::Topic {
  struct Record {
    std::shared_ptr<const std::string> text;
    WsTarget target;
  };
  WsTopicKey key;
  std::string name;
  std::string name_json;  // the name as a JSON string, spliced into every message
  WsTarget target;        // who may see its snapshot
  std::uint64_t seq = 0;
  ReplayRing<Record> ring;
};

WsHub::WsHub(boost::asio::io_context& io, ApiContext& ctx, WsLimits limits)
    : strand_(boost::asio::make_strand(io)), ctx_(ctx), limits_(limits), last_ticks_(ctx.instruments.size(), 0) {}

WsHub::~WsHub() = default;

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
  const auto topic_of = [&](WsTopicKind kind) { return topic_id(WsTopicKey{kind, portfolio}.packed()); };
  if (const auto* changed = std::get_if<engine::SessionChanged>(&event)) {
    // Seed 003's stream names the transition `state_change`: one event, one seq, two shapes.
    emit(topic_of(WsTopicKind::session), {{ws_text(session_message_type(changed->change),
                                                   {{"portfolio_id", portfolio}, {"data", trading_status_json(*snap)}}),
                                           {.audience = WsTarget::main, .portfolio = portfolio}},
                                          {ws_text("state_change", {{"portfolio_id", portfolio},
                                                                    {"state", engine::to_string(snap->session.state)},
                                                                    {"change", session_message_type(changed->change)}}),
                                           {.audience = WsTarget::stream, .portfolio = portfolio}}});
  } else if (const auto* trade = std::get_if<engine::TradeDurable>(&event)) {
    emit(topic_of(WsTopicKind::trades),
         {{ws_text("trade", {{"portfolio_id", portfolio}, {"data", trade_json(trade->trade, ctx_.instruments)}}),
           {.audience = WsTarget::main, .portfolio = portfolio}}});
  } else if (const auto* sig = std::get_if<engine::SignalRaised>(&event)) {
    auto text = ws_text("signal", {{"portfolio_id", portfolio}, {"data", signal_json(sig->entry, ctx_.instruments)}});
    emit(topic_of(WsTopicKind::signals), {{text, {.audience = WsTarget::main, .portfolio = portfolio}},
                                          {text,
                                           {.symbol = static_cast<int>(sig->entry.signal.symbol),
                                            .audience = WsTarget::stream,
                                            .portfolio = portfolio}}});
  } else if (const auto* order = std::get_if<engine::OrderChanged>(&event)) {
    emit(topic_of(WsTopicKind::orders),
         {{ws_text("order",
                   {{"portfolio_id", portfolio}, {"data", order_json(order->order, ctx_.instruments, portfolio)}}),
           {.audience = WsTarget::main, .portfolio = portfolio}}});
  } else if (const auto* risk = std::get_if<engine::RiskChanged>(&event)) {
    emit(topic_of(WsTopicKind::session),
         {{risk_message(*risk, *snap), {.audience = WsTarget::main, .portfolio = portfolio}},
          {risk_state_change(*risk, *snap), {.audience = WsTarget::stream, .portfolio = portfolio}}});
  } else if (const auto* killed = std::get_if<engine::Killed>(&event)) {
    emit(topic_of(WsTopicKind::session), {{ws_text("kill", {{"portfolio_id", portfolio},
                                                            {"data",
                                                             {{"cancels_sent", killed->cancels_sent},
                                                              {"by", killed->by},
                                                              {"risk_state", risk::to_string(snap->risk.state)}}}}),
                                           {.audience = WsTarget::main, .portfolio = portfolio}}});
  } else if (const auto* closed = std::get_if<engine::BarClosed>(&event)) {
    if (from_default && clients() > 0) cycle([&] { on_bar(closed->bar); });
  } else if (std::holds_alternative<engine::PricesMoved>(event)) {
    if (from_default && clients() > 0) cycle([&] { on_prices(*snap); });
  }
}

void WsHub::on_prices(const engine::Snapshot& snap) {
  for (const auto& inst : ctx_.instruments.all()) {
    const auto& view = snap.symbols[inst.id];
    if (!view.has_tick || view.ticks == last_ticks_[inst.id]) continue;
    last_ticks_[inst.id] = view.ticks;
    const int symbol = static_cast<int>(inst.id);
    const auto prices = topic_id(WsTopicKey{WsTopicKind::prices, symbol}.packed());
    auto quote = quote_json(view, inst);
    // Seed 002's `price`/`quote` are built only while a client takes them (the quote is
    // copied into `priceUpdate` then, moved otherwise).
    const bool seed = seed_price_clients_.load(std::memory_order_relaxed) > 0;
    emit(prices, {{ws_text("priceUpdate", {{"data", seed ? quote : std::move(quote)}}),
                   {symbol, coalesce_key(inst.id, WsUpdate::price), WsTarget::main}}});
    if (seed) {
      emit_alongside(prices,
                     ws_text("price", {{"symbol", quote["symbol"]},
                                       {"price", quote["price"]},
                                       {"volume", quote["volume"]},
                                       {"time", quote["time"]}}),
                     {symbol, coalesce_key(inst.id, WsUpdate::seed_price), WsTarget::seed_price});
      emit_alongside(
          prices,
          ws_text("quote",
                  {{"symbol", quote["symbol"]}, {"bid", quote["bid"]}, {"ask", quote["ask"]}, {"time", quote["time"]}}),
          {symbol, coalesce_key(inst.id, WsUpdate::seed_quote), WsTarget::seed_quote});
    }
    for (std::size_t i = 0; i < std::size(kCandleStreams); ++i) {
      const auto& stream = kCandleStreams[i];
      if (auto bar = snap.forming(stream.timeframe, inst.id))
        emit(topic_id(WsTopicKey{WsTopicKind::candles, symbol, static_cast<int>(i)}.packed()),
             {{candle_message(stream, *bar, inst, false),
               {symbol, coalesce_key(inst.id, stream.update), WsTarget::candles}}});
    }
  }
}

void WsHub::on_bar(const core::Bar& bar) {
  // Closed bars never coalesce: each is a final value a client keeps.
  const auto& inst = ctx_.instruments.at(bar.symbol);
  const int symbol = static_cast<int>(bar.symbol);
  emit(topic_id(WsTopicKey{WsTopicKind::bars, symbol}.packed()),
       {{ws_text("bar", {{"data", bar_json(bar, inst, true)}}), {.symbol = symbol, .audience = WsTarget::main}}});
  for (std::size_t i = 0; i < std::size(kCandleStreams); ++i) {
    const auto& stream = kCandleStreams[i];
    if (stream.timeframe == bar.timeframe)
      emit(topic_id(WsTopicKey{WsTopicKind::candles, symbol, static_cast<int>(i)}.packed()),
           {{candle_message(stream, bar, inst, true), {.symbol = symbol, .audience = WsTarget::candles}}});
  }
}

std::uint32_t WsHub::topic_id(std::uint64_t packed) {
  std::lock_guard lock(publish_mutex_);
  if (auto it = keyed_.find(packed); it != keyed_.end()) return it->second;
  WsTopicKey key{static_cast<WsTopicKind>(packed >> 56),
                 static_cast<std::int64_t>(packed & ((std::uint64_t{1} << 48) - 1)),
                 static_cast<int>((packed >> 48) & 0xff)};
  auto name = topic_name(key, ctx_.instruments);
  const auto capacity = coalesces(key.kind) ? 1 : limits_.replay_entries;
  auto topic = std::make_unique<Topic>(
      Topic{key, name, nlohmann::json(name).dump(), topic_target(key), 0, ReplayRing<Topic::Record>(capacity)});
  const auto id = static_cast<std::uint32_t>(topics_.size());
  topics_.push_back(std::move(topic));
  keyed_.emplace(packed, id);
  return id;
}

std::uint32_t WsHub::named_topic(std::string_view name, const WsTarget& target) {
  std::lock_guard lock(publish_mutex_);
  if (auto it = named_.find(std::string(name)); it != named_.end()) return it->second;
  auto topic =
      std::make_unique<Topic>(Topic{{},
                                    std::string(name),
                                    nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                    target,
                                    0,
                                    ReplayRing<Topic::Record>(limits_.replay_entries)});
  const auto id = static_cast<std::uint32_t>(topics_.size());
  topics_.push_back(std::move(topic));
  named_.emplace(std::string(name), id);
  return id;
}

void WsHub::emit(std::uint32_t id, std::initializer_list<Variant> variants) {
  std::lock_guard lock(publish_mutex_);
  auto& topic = *topics_[id];
  ++topic.seq;
  for (const auto& v : variants)
    emit_locked(topic, id, std::make_shared<const std::string>(stamped(v.text, topic.name_json, topic.seq)), v.target);
}

void WsHub::emit_alongside(std::uint32_t id, const std::string& text, const WsTarget& target) {
  std::lock_guard lock(publish_mutex_);
  const auto& topic = *topics_[id];
  auto shared = std::make_shared<const std::string>(stamped(text, topic.name_json, topic.seq));
  if (cycle_)
    cycle_->push_back({std::move(shared), target, {}});
  else
    broadcast(shared, target, {});
}

void WsHub::emit_locked(Topic& topic, std::uint32_t id, std::shared_ptr<const std::string> text,
                        const WsTarget& target) {
  topic.ring.push(topic.seq, {text, target});
  if (cycle_)
    cycle_->push_back({std::move(text), target, {id, topic.seq}});
  else
    broadcast(text, target, {id, topic.seq});
}

void WsHub::publish(std::shared_ptr<const std::string> message, WsTarget target, std::string_view topic) {
  std::string name(topic);
  if (name.empty())
    name = target.portfolio > 0 ? "events:" + std::to_string(target.portfolio)
           : target.user >= 0   ? "user:" + std::to_string(target.user)
                                : "events";
  const auto id = named_topic(name, target);
  std::lock_guard lock(publish_mutex_);
  auto& t = *topics_[id];
  ++t.seq;
  emit_locked(t, id, std::make_shared<const std::string>(stamped(*message, t.name_json, t.seq)), target);
}

std::optional<std::string> WsHub::resume(const std::shared_ptr<WsSession>& session, const std::vector<Since>& since,
                                         bool join, std::int64_t default_portfolio, bool acknowledge) {
  std::vector<std::uint32_t> ids;
  ids.reserve(since.size());
  for (const auto& s : since) {
    if (auto key = parse_topic(s.topic, ctx_.instruments, default_portfolio)) {
      // A portfolio's topics exist for a portfolio that does and that the client may see (ids
      // do not leak, and no client makes topics without end).
      if (key->kind >= WsTopicKind::trades && (!ctx_.snapshot(key->id) || !session->may_see(key->id))) return s.topic;
      ids.push_back(topic_id(key->packed()));
      continue;
    }
    std::lock_guard lock(publish_mutex_);
    auto it = named_.find(s.topic);
    if (it == named_.end()) return s.topic;
    ids.push_back(it->second);
  }
  std::lock_guard lock(publish_mutex_);
  auto now = nlohmann::json::object();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto id = ids[i];
    auto& topic = *topics_[id];
    const auto& seen = since[i].seq;
    if (seen && topic.ring.covers(*seen)) {
      topic.ring.for_each_after(*seen, [&](std::uint64_t seq, const Topic::Record& r) {
        session->deliver(r.text, r.target, {id, seq}, WsSession::Delivery::replay);
      });
    } else {
      session->deliver(std::make_shared<const std::string>(snapshot_message(topic.key, topic.name, topic.seq, ctx_)),
                       topic.target, {id, topic.seq}, WsSession::Delivery::snapshot);
    }
    now[topic.name] = topic.seq;
  }
  if (acknowledge)
    session->deliver(std::make_shared<const std::string>(ws_text("resumed", {{"topics", std::move(now)}})), {}, {},
                     WsSession::Delivery::snapshot);
  if (join) this->join(session);
  return std::nullopt;
}

template <class F>
void WsHub::cycle(F&& emit_all) {
  auto batch = std::make_shared<std::vector<WsBatchItem>>();
  {
    std::lock_guard lock(publish_mutex_);
    cycle_ = batch.get();
  }
  emit_all();
  // Under the lock, as a broadcast: a session that resumes or joins meanwhile got these from
  // the rings and drops the batch's copies by seq.
  std::lock_guard lock(publish_mutex_);
  cycle_ = nullptr;
  if (batch->empty()) return;
  std::vector<std::shared_ptr<WsSession>> targets;
  {
    std::lock_guard registry_lock(registry_->mutex);
    targets.reserve(registry_->sessions.size());
    for (const auto& [sid, weak] : registry_->sessions)
      if (auto s = weak.lock()) targets.push_back(std::move(s));
  }
  std::shared_ptr<const std::vector<WsBatchItem>> shared = std::move(batch);
  for (const auto& s : targets)
    if (s->might_want(*shared)) s->send_batch(shared);
}

void WsHub::broadcast(const std::shared_ptr<const std::string>& message, const WsTarget& target, WsStamp stamp) {
  std::vector<std::shared_ptr<WsSession>> targets;
  {
    std::lock_guard lock(registry_->mutex);
    targets.reserve(registry_->sessions.size());
    for (const auto& [id, weak] : registry_->sessions)
      if (auto s = weak.lock()) targets.push_back(std::move(s));
  }
  for (const auto& s : targets)
    if (s->might_want(target)) s->send(message, target, stamp);
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
