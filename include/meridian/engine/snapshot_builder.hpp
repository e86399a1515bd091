#pragma once
// Composes a portfolio's Snapshot from its parts (the Portfolio's ledger, session, risk and
// histories, the StrategyHost's instances, the OrderManager's book). It only reads them, and
// reuses what has not changed since the last snapshot: the histories are shared in chunks
// (chunked_series.hpp), and the instance views and the open-order list are rebuilt only when
// their part's changes() moved on. Engine strand only.
#include <cstdint>
#include <memory>
#include <string_view>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/bar_book.hpp"
#include "meridian/engine/id_space.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/order_manager.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/engine/strategy_host.hpp"

namespace meridian::engine {

// What a snapshot is made of, as the Portfolio holds it at the moment of the snapshot.
struct SnapshotParts {
  const core::InstrumentTable& instruments;
  Mode mode;
  std::string_view executor;  // the name of what the portfolio's orders go to now
  PortfolioId portfolio_id;
  core::Money initial_capital;
  bool calendars;  // strategies follow the venue calendars
  const SessionRecord& session;
  const Ledger& durable;  // what readers see: fills whose journal record committed
  const std::vector<SymbolView>& symbols;
  const TradeHistory& trades;
  std::uint64_t trades_total;
  BarBook& bars;  // non-const: publishing shares its series
  const SignalHistory& signals;
  const Counters& counters;
  const StrategyHost& strategies;
  const OrderManager& orders;
  const RiskView& risk;
  const EquityHistory& equity;
  core::Timestamp market_time;  // the latest tick's time; none before the first tick
};

class SnapshotBuilder {
 public:
  // Fresh and not yet shared: the owner may fill in what the engine does not know (feed
  // health) before publishing it. Each call numbers its snapshot one above the last.
  std::shared_ptr<Snapshot> build(const SnapshotParts& parts);
  // Whether the instances changed since the last snapshot (so a new one is due).
  bool instances_stale(const StrategyHost& strategies) const noexcept {
    return instances_seen_ != strategies.changes();
  }

 private:
  std::uint64_t version_ = 0;
  std::shared_ptr<const InstanceList> instance_views_;
  std::uint64_t instances_seen_ = 0;  // StrategyHost::changes() when instance_views_ was built
  std::shared_ptr<const OrderList> open_orders_;
  std::uint64_t orders_seen_ = 0;  // OrderManager::changes() when open_orders_ was built
};

}  // namespace meridian::engine
