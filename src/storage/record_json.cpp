#include "record_json.hpp"

#include <stdexcept>

#include "meridian/engine/strategy_params.hpp"
#include "meridian/strategies/registry.hpp"
#include "order_batch.hpp"

namespace meridian::storage {

namespace {

using nlohmann::json;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

long long us(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

json symbols_json(const std::vector<core::SymbolId>& ids, const core::InstrumentTable& instruments) {
  json out = json::array();
  for (auto id : ids) out.push_back(instruments.at(id).symbol);
  return out;
}

json limits_json(const risk::Limits& l) {
  return {{"max_order_quantity", l.max_order_quantity.to_string()},
          {"max_order_notional", l.max_order_notional.to_string()},
          {"max_position_notional", l.max_position_notional.to_string()},
          {"max_open_positions", l.max_open_positions},
          {"max_gross_exposure", l.max_gross_exposure.to_string()},
          {"max_daily_loss", l.max_daily_loss.to_string()},
          {"max_drawdown", l.max_drawdown},
          {"max_orders_per_minute", l.max_orders_per_minute},
          {"price_band", l.price_band},
          {"allow_short", l.allow_short}};
}

json order_json(const execution::Order& o, const core::InstrumentTable& instruments) {
  const auto& r = o.request;
  return {{"id", o.id},
          {"symbol", instruments.at(r.symbol).symbol},
          {"side", core::to_string(r.side)},
          {"quantity", r.quantity.to_string()},
          {"type", execution::to_string(r.type)},
          {"time_in_force", execution::to_string(r.tif)},
          {"limit_price", r.limit_price.to_string()},
          {"stop_price", r.stop_price.to_string()},
          {"trail_amount", r.trail_amount.to_string()},
          {"trail_percent", r.trail_percent},
          {"take_profit", r.take_profit.to_string()},
          {"stop_loss", r.stop_loss.to_string()},
          {"bracket_trail_amount", r.bracket_trail_amount.to_string()},
          {"bracket_trail_percent", r.bracket_trail_percent},
          {"reduce_only", r.reduce_only},
          {"client_order_id", r.client_order_id},
          {"strategy_id", r.strategy_id},
          {"placed_by", r.placed_by},
          {"status", execution::to_string(o.status)},
          {"filled_quantity", o.filled_quantity.to_string()},
          {"filled_notional", o.filled_notional.to_string()},
          {"fees", o.fees.to_string()},
          {"created_us", us(o.created)},
          {"eligible_at_us", us(o.eligible_at)},
          {"updated_us", us(o.updated)},
          {"expires_at_us", us(o.expires_at)},
          {"parent_id", o.parent_id},
          {"oco_id", o.oco_id},
          {"trail_anchor", o.trail_anchor.to_string()},
          {"triggered", o.triggered},
          {"reason", o.reason}};
}

// Reads a payload, throwing std::invalid_argument naming the field at fault.
struct Reader {
  const json& j;
  const core::InstrumentTable& instruments;

  const json& at(const char* key) const {
    const auto it = j.find(key);
    if (it == j.end()) throw std::invalid_argument(std::string("payload has no ") + key);
    return *it;
  }
  template <class F>
  F fixed(const char* key) const {
    const auto& v = at(key);
    auto parsed = v.is_string() ? F::parse(v.get<std::string>()) : std::nullopt;
    if (!parsed) throw std::invalid_argument(std::string("payload field ") + key + " is not a ledger number");
    return *parsed;
  }
  core::Timestamp time(const char* key) const {
    return core::Timestamp(std::chrono::microseconds(at(key).get<long long>()));
  }
  core::SymbolId symbol(const char* key = "symbol") const {
    auto id = instruments.find(at(key).get<std::string>());
    if (!id) throw std::invalid_argument("payload symbol is not configured in this daemon");
    return *id;
  }
  std::vector<core::SymbolId> symbols(const char* key) const {
    std::vector<core::SymbolId> out;
    for (const auto& s : at(key)) {
      auto id = instruments.find(s.get<std::string>());
      if (!id) throw std::invalid_argument("payload symbol is not configured in this daemon");
      out.push_back(*id);
    }
    return out;
  }
  template <class T, class Parse>
  T parsed(const char* key, Parse parse) const {
    auto v = parse(at(key).get<std::string>());
    if (!v) throw std::invalid_argument(std::string("payload field ") + key + " has an unknown value");
    return *v;
  }
  engine::StrategyConfig strategy(const char* key) const {
    engine::StrategyConfig base;
    base.class_name = strategies::canonical_class_name(at("class_name").get<std::string>());
    if (const auto* cls = strategies::find_strategy_class(base.class_name))
      base.params = strategies::ParamValues(cls->params);
    auto cfg = engine::decode_strategy_text(at(key).get<std::string>(), base);
    if (!cfg) throw std::invalid_argument("payload strategy: " + cfg.error().message);
    return std::move(*cfg);
  }
};

execution::Order order_from(const Reader& r) {
  execution::Order o;
  auto& q = o.request;
  o.id = r.at("id").get<std::uint64_t>();
  q.symbol = r.symbol();
  q.side = r.parsed<core::Side>("side", core::parse_side);
  q.quantity = r.fixed<core::Quantity>("quantity");
  q.type = r.parsed<execution::OrderType>("type", execution::parse_order_type);
  q.tif = r.parsed<execution::TimeInForce>("time_in_force", execution::parse_time_in_force);
  q.limit_price = r.fixed<core::Price>("limit_price");
  q.stop_price = r.fixed<core::Price>("stop_price");
  q.trail_amount = r.fixed<core::Price>("trail_amount");
  q.trail_percent = r.at("trail_percent").get<double>();
  q.take_profit = r.fixed<core::Price>("take_profit");
  q.stop_loss = r.fixed<core::Price>("stop_loss");
  q.bracket_trail_amount = r.fixed<core::Price>("bracket_trail_amount");
  q.bracket_trail_percent = r.at("bracket_trail_percent").get<double>();
  q.reduce_only = r.at("reduce_only").get<bool>();
  q.client_order_id = r.at("client_order_id").get<std::string>();
  q.strategy_id = r.at("strategy_id").get<std::uint64_t>();
  // Absent from the payloads of dead letters written before orders carried it.
  q.placed_by = r.j.value("placed_by", std::int64_t{0});
  o.status = r.parsed<execution::OrderStatus>("status", execution::parse_order_status);
  o.filled_quantity = r.fixed<core::Quantity>("filled_quantity");
  o.filled_notional = r.fixed<core::Money>("filled_notional");
  o.fees = r.fixed<core::Money>("fees");
  o.created = r.time("created_us");
  o.eligible_at = r.time("eligible_at_us");
  o.updated = r.time("updated_us");
  o.expires_at = r.time("expires_at_us");
  o.parent_id = r.at("parent_id").get<std::uint64_t>();
  o.oco_id = r.at("oco_id").get<std::uint64_t>();
  o.trail_anchor = r.fixed<core::Price>("trail_anchor");
  o.triggered = r.at("triggered").get<bool>();
  o.reason = r.at("reason").get<std::string>();
  return o;
}

risk::Limits limits_from(const Reader& r) {
  risk::Limits l;
  l.max_order_quantity = r.fixed<core::Quantity>("max_order_quantity");
  l.max_order_notional = r.fixed<core::Money>("max_order_notional");
  l.max_position_notional = r.fixed<core::Money>("max_position_notional");
  l.max_open_positions = r.at("max_open_positions").get<std::uint32_t>();
  l.max_gross_exposure = r.fixed<core::Money>("max_gross_exposure");
  l.max_daily_loss = r.fixed<core::Money>("max_daily_loss");
  l.max_drawdown = r.at("max_drawdown").get<double>();
  l.max_orders_per_minute = r.at("max_orders_per_minute").get<std::uint32_t>();
  l.price_band = r.at("price_band").get<double>();
  l.allow_short = r.at("allow_short").get<bool>();
  return l;
}

}  // namespace

std::string_view record_kind(const engine::JournalRecord& record) noexcept {
  static constexpr std::string_view kKinds[] = {"trade", "bar",  "signal", "session", "instance",  "instance_deleted",
                                                "order", "risk", "equity", "reset",   "order_ids", "stop"};
  static_assert(std::size(kKinds) == std::variant_size_v<engine::JournalRecord>);
  return kKinds[record.index()];
}

json record_payload(const engine::JournalRecord& record, const core::InstrumentTable& instruments) {
  return std::visit(Overloaded{
                        [&](const engine::TradeRecord& r) -> json {
                          const auto& t = r.trade;
                          const auto& p = r.position_after;
                          return {{"id", t.id},
                                  {"order_id", t.order_id},
                                  {"portfolio_id", t.portfolio_id},
                                  {"symbol", instruments.at(t.symbol).symbol},
                                  {"side", core::to_string(t.side)},
                                  {"quantity", t.quantity.to_string()},
                                  {"price", t.price.to_string()},
                                  {"fee", t.fee.to_string()},
                                  {"realized_pnl", t.realized_pnl.to_string()},
                                  {"executed_us", us(t.ts)},
                                  {"strategy", t.strategy},
                                  {"strategy_id", t.strategy_id},
                                  {"cash_after", r.cash_after.to_string()},
                                  {"fees_paid_after", r.fees_paid_after.to_string()},
                                  {"position_after",
                                   {{"quantity", p.quantity.to_string()},
                                    {"cost_basis", p.cost_basis.to_string()},
                                    {"realized_pnl", p.realized_pnl.to_string()},
                                    {"updated_us", us(p.updated_at)}}}};
                        },
                        [&](const engine::BarRecord& r) -> json {
                          const auto& b = r.bar;
                          return {{"symbol", instruments.at(b.symbol).symbol},
                                  {"timeframe", core::to_string(b.timeframe)},
                                  {"open_us", us(b.open_time)},
                                  {"open", b.open.to_string()},
                                  {"high", b.high.to_string()},
                                  {"low", b.low.to_string()},
                                  {"close", b.close.to_string()},
                                  {"volume", b.volume.to_string()}};
                        },
                        [&](const engine::SignalRecord& r) -> json {
                          const auto& s = r.entry.signal;
                          json values = json::object();
                          for (std::size_t i = 0; i < s.value_count; ++i)
                            values[std::string(s.values[i].name)] = s.values[i].value;
                          return {{"id", r.entry.id},
                                  {"strategy", s.strategy},
                                  {"strategy_id", r.entry.strategy_id},
                                  {"symbol", instruments.at(s.symbol).symbol},
                                  {"side", core::to_string(s.side)},
                                  {"strength", s.strength},
                                  {"price", s.price.to_string()},
                                  {"reason", s.reason},
                                  {"indicators", values},
                                  {"acted", r.entry.acted},
                                  {"created_us", us(s.ts)}};
                        },
                        [&](const engine::SessionRecord& r) -> json {
                          return {{"state", engine::to_string(r.state)},
                                  {"class_name", r.strategy.class_name},
                                  {"strategy", engine::encode_strategy(r.strategy)},
                                  {"symbols", symbols_json(r.symbols, instruments)},
                                  {"started_us", us(r.started_at)},
                                  {"updated_us", us(r.updated_at)},
                                  {"changed_by", r.changed_by}};
                        },
                        [&](const engine::InstanceRecord& r) -> json {
                          const auto& c = r.config;
                          return {{"id", c.id},
                                  {"name", c.name},
                                  {"class_name", c.strategy.class_name},
                                  {"strategy", engine::encode_strategy(c.strategy)},
                                  {"symbols", symbols_json(c.symbols, instruments)},
                                  {"portfolio", c.portfolio},
                                  {"active", c.active},
                                  {"state", engine::to_string(r.state)},
                                  {"updated_us", us(r.updated_at)}};
                        },
                        [&](const engine::InstanceDeleted& r) -> json {
                          return {{"id", r.id}};
                        },
                        [&](const engine::OrderRecord& r) -> json {
                          return {{"order", order_json(r.order, instruments)}, {"event_seq", r.event_seq}};
                        },
                        [&](const engine::RiskRecord& r) -> json {
                          return {{"limits", limits_json(r.limits)},
                                  {"state", risk::to_string(r.memory.state)},
                                  {"memory", json::parse(encode_risk_memory(r.memory))}};
                        },
                        [&](const engine::EquityRecord& r) -> json {
                          return {{"at_us", us(r.ts)}, {"equity", r.equity.to_string()}, {"cash", r.cash.to_string()}};
                        },
                        [&](const engine::ResetRecord& r) -> json {
                          return {{"cash", r.cash.to_string()}};
                        },
                        [&](const engine::OrderIdReservation& r) -> json {
                          return {{"upto", r.upto}};
                        },
                        [&](const engine::StopRecord&) -> json { return json::object(); },
                    },
                    record);
}

std::optional<engine::JournalRecord> record_from_payload(std::string_view kind, const json& payload,
                                                         const core::InstrumentTable& instruments, std::string& error) {
  const Reader r{payload, instruments};
  try {
    if (kind == "trade") {
      engine::TradeRecord rec;
      auto& t = rec.trade;
      t.id = r.at("id").get<std::uint64_t>();
      t.order_id = r.at("order_id").get<std::uint64_t>();
      t.portfolio_id = r.at("portfolio_id").get<std::int64_t>();
      t.symbol = r.symbol();
      t.side = r.parsed<core::Side>("side", core::parse_side);
      t.quantity = r.fixed<core::Quantity>("quantity");
      t.price = r.fixed<core::Price>("price");
      t.fee = r.fixed<core::Money>("fee");
      t.realized_pnl = r.fixed<core::Money>("realized_pnl");
      t.ts = r.time("executed_us");
      t.strategy = strategies::canonical_class_name(r.at("strategy").get<std::string>());
      t.strategy_id = r.at("strategy_id").get<std::uint64_t>();
      rec.cash_after = r.fixed<core::Money>("cash_after");
      rec.fees_paid_after = r.fixed<core::Money>("fees_paid_after");
      const Reader p{r.at("position_after"), instruments};
      rec.position_after = {p.fixed<core::Quantity>("quantity"), p.fixed<core::Money>("cost_basis"),
                            p.fixed<core::Money>("realized_pnl"), p.time("updated_us")};
      return rec;
    }
    if (kind == "order") {
      return engine::OrderRecord{order_from(Reader{r.at("order"), instruments}),
                                 r.at("event_seq").get<std::uint32_t>()};
    }
    if (kind == "bar") {
      core::Bar b;
      b.symbol = r.symbol();
      b.timeframe = r.parsed<core::Timeframe>("timeframe", core::parse_timeframe);
      b.open_time = r.time("open_us");
      b.open = r.fixed<core::Price>("open");
      b.high = r.fixed<core::Price>("high");
      b.low = r.fixed<core::Price>("low");
      b.close = r.fixed<core::Price>("close");
      b.volume = r.fixed<core::Quantity>("volume");
      return engine::BarRecord{b};
    }
    if (kind == "session") {
      engine::SessionRecord s;
      s.state = r.parsed<engine::SessionState>("state", engine::parse_session_state);
      s.strategy = r.strategy("strategy");
      s.symbols = r.symbols("symbols");
      s.started_at = r.time("started_us");
      s.updated_at = r.time("updated_us");
      // Absent from the payloads of dead letters written before sessions carried it.
      s.changed_by = r.j.value("changed_by", std::int64_t{0});
      return s;
    }
    if (kind == "instance") {
      engine::InstanceRecord rec;
      rec.config.id = r.at("id").get<std::uint64_t>();
      rec.config.name = r.at("name").get<std::string>();
      rec.config.strategy = r.strategy("strategy");
      rec.config.symbols = r.symbols("symbols");
      rec.config.portfolio = r.at("portfolio").get<std::string>();
      rec.config.active = r.at("active").get<bool>();
      rec.state = r.parsed<engine::InstanceState>("state", engine::parse_instance_state);
      rec.updated_at = r.time("updated_us");
      return rec;
    }
    if (kind == "instance_deleted") return engine::InstanceDeleted{r.at("id").get<std::uint64_t>()};
    if (kind == "risk") {
      engine::RiskRecord rec;
      rec.limits = limits_from(Reader{r.at("limits"), instruments});
      rec.memory = decode_risk_memory(r.at("state").get<std::string>(), r.at("memory").dump());
      return rec;
    }
    if (kind == "equity")
      return engine::EquityRecord{r.time("at_us"), r.fixed<core::Money>("equity"), r.fixed<core::Money>("cash")};
    if (kind == "reset") return engine::ResetRecord{r.fixed<core::Money>("cash")};
    if (kind == "order_ids") return engine::OrderIdReservation{r.at("upto").get<std::uint64_t>()};
    error = "a " + std::string(kind) + " record cannot be replayed (discard it)";
  } catch (const std::exception& e) {
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace meridian::storage
