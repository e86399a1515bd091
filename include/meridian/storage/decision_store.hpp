#pragma once
// The rows of ai_decisions (sql/003, fitted by sql/015): what GET /api/ai/decision/{symbol}
// decided (backtest/decision.hpp), who asked, for which portfolio, and, once
// POST /api/ai/decision/execute placed it, the order. Written and read by the API's decision
// workers (api/decision_routes.hpp), never on the engine strand or an I/O thread.
//
// Contract: every call blocks on the database with a connection of its own (decisions come a
// few a minute), so any thread may call, several at once. A database that is down or refuses a
// statement is Errc::unavailable (logged), never an exception. Documents (reasons, votes) are
// JSON text, stored as JSONB.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/fixed.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct DecisionRow {
  std::int64_t id = 0;            // set by the database
  std::int64_t owner_id = 0;      // the user_id column; 0: none (NULL: made with auth off)
  std::int64_t portfolio_id = 0;  // the portfolio it was sized for and executes in
  std::string symbol;
  std::string action;  // buy, sell, hold
  double confidence = 0;
  core::Price price{};                     // the close the decision saw
  std::optional<core::Quantity> quantity;  // the suggested size; none for hold or nothing to size
  std::string regime;                      // trending_up, trending_down, ranging, volatile, unknown
  std::string reasons;                     // JSON array
  std::string votes;                       // JSON object: score, params, inputs' sources
  std::optional<std::int64_t> order_id;
  std::optional<core::Timestamp> executed_at;
  core::Timestamp created_at{};  // set by the database
};

struct DecisionPage {
  std::optional<std::int64_t> owner;  // only this owner's rows (0: rows without an owner)
  std::optional<std::string> symbol;
  std::int64_t before = 0;  // only ids below it; 0: from the newest
  std::size_t limit = 100;
};

class DecisionStore {
 public:
  explicit DecisionStore(std::string database_url) : url_(std::move(database_url)) {}

  // The row as given (id, order and times ignored); the stored row (its id and created_at).
  core::Result<DecisionRow> insert(const DecisionRow& row) const;
  core::Result<std::optional<DecisionRow>> get(std::int64_t id) const;
  // Newest first.
  core::Result<std::vector<DecisionRow>> page(const DecisionPage& p) const;
  // Records the order that executed it, now; false when the row is gone or already executed.
  core::Result<bool> mark_executed(std::int64_t id, std::int64_t order_id) const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
