#include "meridian/storage/backtest_store.hpp"

#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "pg_transaction.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

namespace {

const std::string kColumns = "id, coalesce(user_id, 0) AS owner_id, request::text AS request, status, progress, " +
                             pg::micros_of("created_at", "created_us") + ", " +
                             pg::micros_of("started_at", "started_us") + ", " +
                             pg::micros_of("completed_at", "finished_us") + ", error";

std::optional<core::Timestamp> maybe_micros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return pg::micros(f);
}

// sql/003's columns filled from the request (validated by backtest::decode_request before it
// gets here) and, at the end, from the result's metrics.
const std::string kInsertSql =
    "INSERT INTO backtest_results (user_id, request, status, strategy, params, symbols, start_time, end_time,"
    " initial_capital)"
    " SELECT $1, r, 'queued', coalesce(r #>> '{strategy,class}', ''), coalesce(r -> 'strategy', '{}'),"
    " coalesce(ARRAY(SELECT jsonb_array_elements_text(r -> 'symbols')), '{}'),"
    " (r ->> 'from')::timestamptz, (r ->> 'to')::timestamptz,"
    " coalesce((r ->> 'initial_capital')::numeric, 100000)"
    " FROM (SELECT $2::jsonb AS r) AS q RETURNING id";

const std::string kFinishSql =
    "UPDATE backtest_results SET status = $2, progress = $3, result = $4::jsonb, error = $5, completed_at = now(),"
    " metrics = coalesce($4::jsonb -> 'metrics', '{}'),"
    " final_equity = ($4::jsonb #>> '{metrics,final_equity}')::numeric,"
    " total_return = ($4::jsonb #>> '{metrics,total_return}')::float8,"
    " max_drawdown = ($4::jsonb #>> '{metrics,max_drawdown}')::float8,"
    " sharpe = ($4::jsonb #>> '{metrics,sharpe}')::float8,"
    " trade_count = ($4::jsonb #>> '{metrics,fills}')::integer"
    " WHERE id = $1";

BacktestRow row_from(const pqxx::row& r) {
  BacktestRow row;
  row.id = r["id"].as<long long>();
  row.owner_id = r["owner_id"].as<long long>();
  row.request = r["request"].c_str();
  row.status = r["status"].c_str();
  row.progress = r["progress"].as<double>();
  row.created_at = pg::micros(r["created_us"]);
  row.started_at = maybe_micros(r["started_us"]);
  row.finished_at = maybe_micros(r["finished_us"]);
  row.result = r["result"].is_null() ? std::string() : std::string(r["result"].c_str());
  row.error = r["error"].c_str();
  return row;
}

// A transaction of its own, failures logged as this store's (pg_transaction.hpp).
template <class F>
auto in_tx(const std::string& url, const char* what, F&& body) {
  return pg::in_transaction(url, "backtest results", what, std::forward<F>(body));
}

}  // namespace

core::Result<std::int64_t> BacktestStore::create(std::int64_t owner_id, const std::string& request_json) const {
  return in_tx(url_, "insert", [&](pqxx::work& tx) -> std::int64_t {
    return tx.exec_params1(kInsertSql, owner_id ? std::optional<long long>(owner_id) : std::nullopt, request_json)[0]
        .as<long long>();
  });
}

core::Result<void> BacktestStore::start(std::int64_t id) const {
  return in_tx(url_, "start", [&](pqxx::work& tx) {
    tx.exec_params0("UPDATE backtest_results SET status = 'running', started_at = now() WHERE id = $1",
                    static_cast<long long>(id));
  });
}

core::Result<void> BacktestStore::set_progress(std::int64_t id, double percent) const {
  return in_tx(url_, "update progress", [&](pqxx::work& tx) {
    tx.exec_params0("UPDATE backtest_results SET progress = $2 WHERE id = $1", static_cast<long long>(id), percent);
  });
}

core::Result<void> BacktestStore::finish(std::int64_t id, const std::string& status, double percent,
                                         const std::string& result_json, const std::string& error) const {
  return in_tx(url_, "finish", [&](pqxx::work& tx) {
    tx.exec_params0(kFinishSql, static_cast<long long>(id), status, percent,
                    result_json.empty() ? std::optional<std::string>() : std::optional<std::string>(result_json),
                    error);
  });
}

core::Result<std::optional<BacktestRow>> BacktestStore::get(std::int64_t id) const {
  return in_tx(url_, "read", [&](pqxx::work& tx) -> std::optional<BacktestRow> {
    const auto rows =
        tx.exec_params("SELECT " + kColumns + ", result::text AS result FROM backtest_results WHERE id = $1",
                       static_cast<long long>(id));
    if (rows.empty()) return std::nullopt;
    return row_from(rows[0]);
  });
}

core::Result<std::vector<BacktestRow>> BacktestStore::page(const BacktestPage& p) const {
  return in_tx(url_, "list", [&](pqxx::work& tx) {
    const auto rows =
        tx.exec_params("SELECT " + kColumns +
                           ", CASE WHEN result IS NULL THEN NULL ELSE metrics::text END AS result FROM backtest_results"
                           " WHERE ($1::bigint = 0 OR id < $1) AND ($2::bigint IS NULL OR user_id = $2 OR ($2 = 0 AND "
                           "user_id IS NULL))"
                           " ORDER BY id DESC LIMIT $3",
                       static_cast<long long>(p.before), p.owner ? std::optional<long long>(*p.owner) : std::nullopt,
                       static_cast<long long>(p.limit));
    std::vector<BacktestRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(row_from(r));
    return out;
  });
}

core::Result<bool> BacktestStore::remove(std::int64_t id) const {
  return in_tx(url_, "delete", [&](pqxx::work& tx) {
    return tx.exec_params("DELETE FROM backtest_results WHERE id = $1", static_cast<long long>(id)).affected_rows() > 0;
  });
}

core::Result<std::uint64_t> BacktestStore::fail_interrupted() const {
  return in_tx(url_, "mark interrupted backtests", [&](pqxx::work& tx) -> std::uint64_t {
    return tx
        .exec(
            "UPDATE backtest_results SET status = 'failed', error = 'interrupted by a restart',"
            " completed_at = now() WHERE status IN ('queued', 'running')")
        .affected_rows();
  });
}

}  // namespace meridian::storage
