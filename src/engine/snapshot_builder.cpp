// SnapshotBuilder: a portfolio's snapshot from its parts. Engine strand only.
#include "meridian/engine/snapshot_builder.hpp"

#include <algorithm>

namespace meridian::engine {

namespace {
std::vector<VenueView> venue_views(const StrategyHost& strategies, core::Timestamp market_time) {
  // Market time, so simulated and replayed sessions show their own clock's state.
  const auto t = market_time == core::Timestamp{} ? core::now() : market_time;
  const auto& venue_of = strategies.venue_of();
  const auto& cal = strategies.calendars();
  std::vector<VenueView> out;
  for (std::size_t i = 0; i < cal.size(); ++i) {
    const auto v = static_cast<market::Venue>(i);
    if (std::find(venue_of.begin(), venue_of.end(), std::optional(v)) == venue_of.end()) continue;
    out.push_back({v, std::string(cal.name(v)), cal.state(v, t), cal.next_open(v, t), cal.next_close(v, t), t});
  }
  return out;
}
}  // namespace

std::shared_ptr<Snapshot> SnapshotBuilder::build(const SnapshotParts& p) {
  auto s = std::make_shared<Snapshot>();
  s->version = ++version_;
  s->published_at = core::now();
  s->instruments = &p.instruments;
  s->mode = p.mode;
  s->executor = p.executor;
  s->session = p.session;
  s->initial_capital = p.initial_capital;
  s->cash = p.durable.cash();
  s->fees_paid = p.durable.fees_paid();
  s->realized_pnl = p.durable.realized_pnl();
  s->symbols = p.symbols;
  for (std::size_t i = 0; i < p.durable.positions().size(); ++i)
    if (!p.durable.positions()[i].quantity.is_zero())
      s->positions.push_back({static_cast<core::SymbolId>(i), p.durable.positions()[i]});
  s->trades = p.trades.series();
  s->trades_total = p.trades_total;
  p.bars.publish(*s);
  s->signals = p.signals.series();
  s->counters = p.counters;
  s->counters.strategy_errors = p.strategies.errors();
  s->strategy_disabled = p.strategies.default_instance().view.disabled;
  if (instances_stale(p.strategies) || !instance_views_) {
    auto views = std::make_shared<InstanceList>();
    views->reserve(p.strategies.all().size());
    for (const auto& inst : p.strategies.all()) {
      InstanceView v = inst.view;
      for (std::size_t i = 0; i < inst.durable.positions().size(); ++i)
        if (!inst.durable.positions()[i].quantity.is_zero())
          v.holdings.push_back({static_cast<core::SymbolId>(i), inst.durable.positions()[i]});
      v.realized_pnl = inst.durable.realized_pnl();
      v.fees = inst.durable.fees_paid();
      views->push_back(std::move(v));
    }
    instance_views_ = std::move(views);
    instances_seen_ = p.strategies.changes();
  }
  s->instances = instance_views_;
  s->venues = venue_views(p.strategies, p.market_time);
  s->calendars = p.calendars;
  s->portfolio_id = p.portfolio_id;
  if (orders_seen_ != p.orders.changes() || !open_orders_) {
    const auto open = p.orders.open();
    open_orders_ = std::make_shared<const OrderList>(open.begin(), open.end());
    orders_seen_ = p.orders.changes();
  }
  s->open_orders = open_orders_;
  s->finished_orders = p.orders.finished().series();
  s->risk = p.risk;
  s->equity_curve = p.equity.series();
  return s;
}

}  // namespace meridian::engine
