#pragma once
// Events the engine emits after publishing the snapshot that contains them. The bus is
// wired before start and called on the engine strand; subscribers must not block (the WS
// hub posts its serialisation elsewhere).
#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include "meridian/engine/snapshot.hpp"
#include "meridian/strategies/signal.hpp"

namespace meridian::engine {

enum class SessionChange : std::uint8_t { started, stopped, paused, resumed };

struct SessionChanged {
  SessionChange change;
};
struct TradeDurable {
  Trade trade;
};
struct SignalRaised {
  SignalEntry entry;
};
// New prices are in the snapshot; carried with no payload.
struct PricesMoved {};
// A live bar of any timeframe closed (and was journaled); history loaded on start raises none.
struct BarClosed {
  core::Bar bar;
};

// An order changed state (sent at once: orders are not money, the trade that follows is).
struct OrderChanged {
  execution::Order order;
};
// The portfolio's risk state changed (by a limit or by the API).
struct RiskChanged {
  risk::RiskState from;
  risk::RiskState to;
  std::string_view reason;  // static: "daily_loss", "drawdown", "day_boundary", "api", "kill_switch"
};

// The kill switch was thrown (Portfolio::kill): after its RiskChanged and before its
// SessionChanged, so a client sees halted, the cancels asked for, then stopped.
struct Killed {
  std::uint32_t cancels_sent;  // open orders asked to cancel (a venue confirms each later)
  std::int64_t by;             // the user who threw it; 0: the daemon (SIGUSR1) or no account
};

using EngineEvent =
    std::variant<SessionChanged, TradeDurable, SignalRaised, PricesMoved, BarClosed, OrderChanged, RiskChanged, Killed>;

class EventBus {
 public:
  using Handler = std::function<void(const EngineEvent&, const std::shared_ptr<const Snapshot>&)>;
  // Before start only: the bus is not locked.
  void subscribe(Handler handler) { handlers_.push_back(std::move(handler)); }
  void publish(const EngineEvent& event, const std::shared_ptr<const Snapshot>& snapshot) const {
    for (const auto& h : handlers_) h(event, snapshot);
  }

 private:
  std::vector<Handler> handlers_;
};

}  // namespace meridian::engine
