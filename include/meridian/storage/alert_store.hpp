#pragma once
// The rows of `alerts` (sql/003, fitted by sql/014): what POST /api/alerts made, its last
// trigger and its webhook deliveries. Used by alerts::AlertService's storage thread, never on
// the engine strand or an I/O thread.
//
// Contract: every call blocks on the database with a connection of its own (alerts change a few
// times a minute at most), so any thread may call. A database that is down or refuses a statement
// is Errc::unavailable (logged), never an exception. Documents (spec, delivery, dead_letters) are
// JSON text, stored as JSONB. The webhook secret is stored sealed only (auth::Sealed).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meridian/auth/secret_box.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct AlertRow {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;  // user_id; 0: no owner (NULL: made with auth off)
  std::optional<std::int64_t> portfolio_id;
  std::string kind;       // the spec's, copied for SQL readers
  std::string condition;  //
  std::string symbol;     // empty: none
  std::string indicator;  // empty: none
  double threshold = 0;
  std::string spec = "{}";  // alerts::to_json(Condition)
  std::string message;
  std::string webhook_url;  // empty: none
  std::optional<auth::Sealed> webhook_secret;
  bool recurring = false;
  std::int64_t cooldown_s = 0;
  double hysteresis = 0;
  std::string status = "active";  // active, triggered (a one-shot that fired)
  std::optional<core::Timestamp> triggered_at;
  std::optional<double> triggered_value;
  std::int64_t trigger_count = 0;
  std::string delivery = "{}";      // JSON object
  std::string dead_letters = "[]";  // JSON array
  core::Timestamp created_at{};
};

class AlertStore {
 public:
  explicit AlertStore(std::string database_url) : url_(std::move(database_url)) {}

  // Inserts `row` (its id and created_at are ignored); the new id and created_at.
  core::Result<std::pair<std::int64_t, core::Timestamp>> create(const AlertRow& row) const;
  // Every alert, oldest first (loaded at start).
  core::Result<std::vector<AlertRow>> all() const;
  core::Result<bool> remove(std::int64_t id) const;
  // A trigger: the status (a one-shot becomes 'triggered'), when, the value and the count.
  core::Result<void> record_trigger(std::int64_t id, const std::string& status, core::Timestamp at, double value,
                                    std::int64_t trigger_count) const;
  // The last delivery's status and the dead letters (JSON).
  core::Result<void> record_delivery(std::int64_t id, const std::string& delivery,
                                     const std::string& dead_letters) const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
