#pragma once
// The decision model over the API (#14 item 8; the model: backtest/decision.hpp). Handlers
// (routes_ai.cpp) parse and check who may see what; this computes, stores and reads.
//
// A decision for a symbol: its newest `bars` closed 1m bars (the default portfolio's snapshot:
// market data is the same for every portfolio), the regime read at the newest one, each class's
// weight in that regime from backtests over those bars (cached per symbol until a newer bar
// closes), each class's latest signal, the sentiment input, backtest::decide; then the suggested
// size from the portfolio's own sizing: a buy, the largest quantity whose value is at most the
// portfolio strategy's position_fraction of its equity (risk::fixed_fraction); a sell, the
// position held (positions are long only); none when that is zero. Stored in ai_decisions.
//
// Threads: everything runs on one worker thread of this object (never the engine strand or an
// I/O thread); a full queue is 503 busy. Done callbacks run on that thread, exactly once.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/api/worker_pool.hpp"
#include "meridian/backtest/decision.hpp"
#include "meridian/storage/decision_store.hpp"

namespace meridian::api {

struct DecisionConfig {
  double sentiment_weight = 0.0;  // --decision-sentiment-weight (backtest::DecisionParams)
  std::size_t bars = 1440;        // recent 1m bars: the weights' backtests and the signals
  std::size_t min_bars = 120;     // fewer: 422 not_enough_history (the regime and strategies need warm-up)
};

// The symbol's sentiment score (-1..1) as of `until`, or nullopt when there is none (no items,
// or the store unavailable). Called on the decision worker (it may block on a database).
using SentimentSource = std::function<std::optional<double>(const std::string& symbol, core::Timestamp until)>;

class Decisions {
 public:
  template <class T>
  using Done = std::function<void(ApiResult<T>)>;

  struct Ask {
    std::int64_t owner = 0;  // the caller (0: auth off)
    engine::PortfolioId portfolio = engine::kDefaultPortfolioId;
    core::SymbolId symbol = 0;
    std::shared_ptr<const engine::Snapshot> market;          // bars
    std::shared_ptr<const engine::Snapshot> portfolio_snap;  // equity, position, sizing
  };

  // `sentiment` may be empty (no sentiment input).
  Decisions(const storage::DecisionStore& store, const core::InstrumentTable& instruments, SentimentSource sentiment,
            DecisionConfig config = {});
  ~Decisions();
  Decisions(const Decisions&) = delete;
  Decisions& operator=(const Decisions&) = delete;

  // Computes, stores and answers the decision document (decision_json).
  void decide(Ask ask, Done<nlohmann::json> done);
  // Newest first: {"items", "next"}.
  void list(storage::DecisionPage page, Done<nlohmann::json> done);
  // The row (nullopt: none).
  void get(std::int64_t id, Done<std::optional<storage::DecisionRow>> done);
  // Records the order; the row as it stands afterwards (nullopt: it was executed by then).
  void mark_executed(std::int64_t id, std::int64_t order_id, Done<std::optional<storage::DecisionRow>> done);

  void stop() { pool_.stop(); }

 private:
  struct Fitted {
    core::Timestamp as_of{};  // the newest bar the weights saw
    indicators::RegimeReading regime;
    std::vector<backtest::ClassWeight> weights;
  };
  template <class T>
  void post(Done<T> done, std::function<ApiResult<T>()> job);
  ApiResult<nlohmann::json> compute(const Ask& ask);

  const storage::DecisionStore& store_;
  const core::InstrumentTable& instruments_;
  SentimentSource sentiment_;
  const DecisionConfig config_;
  std::mutex mutex_;
  std::map<core::SymbolId, Fitted> fitted_;  // under mutex_
  WorkerPool pool_{1, 32};                   // last: stopped first
};

// The document of a stored decision (GET and POST answers, the list's items).
nlohmann::json decision_json(const storage::DecisionRow& row);

}  // namespace meridian::api
