#include "meridian/storage/journal_writer.hpp"

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "apply_record.hpp"
#include "equity_rows.hpp"
#include "meridian/strategies/signal_json.hpp"
#include "order_batch.hpp"
#include "pg_array.hpp"
#include "pg_codec.hpp"
#include "pg_failure.hpp"
#include "record_json.hpp"
#include "session_codec.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

struct JournalWriter::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

namespace {
// Thrown inside a batch when the portfolio's epoch moved on: never retried.
struct Fenced {
  long long current;
};

constexpr std::size_t kMaxBatch = 1024;
constexpr auto kBackoffMin = std::chrono::milliseconds(100);
constexpr auto kBackoffMax = std::chrono::milliseconds(5000);

constexpr auto kDeadLetterRefresh = std::chrono::seconds(5);

// Trades, the positions they leave and the portfolio's cash, in one statement (each trade's
// order is written before, from its OrderRecord). Positions get one upsert per symbol with the batch's last position
// for it, cash the batch's last cash: what applying the records one by one would end with. ON CONFLICT DO NOTHING on
// the logs: a batch retried after a commit whose ack was lost adds no row.
constexpr const char* kTradesSql =
    "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],"
    "   $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::text[], $11::timestamptz[], $12::bigint[])"
    "   AS t(id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy, executed_at,"
    "        strategy_id)),"
    " p AS (INSERT INTO positions (portfolio_id, symbol, quantity, cost_basis, realized_pnl, updated_at)"
    "   SELECT $13::bigint, * FROM unnest($14::text[], $15::numeric[], $16::numeric[], $17::numeric[],"
    "   $18::timestamptz[]) ON CONFLICT (portfolio_id, symbol) DO UPDATE SET quantity = EXCLUDED.quantity,"
    "   cost_basis = EXCLUDED.cost_basis, realized_pnl = EXCLUDED.realized_pnl, updated_at = EXCLUDED.updated_at),"
    " c AS (UPDATE portfolios SET cash = $19::numeric, fees_paid = $20::numeric, updated_at = now()"
    "   WHERE id = $13::bigint)"
    " INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy,"
    "   executed_at, strategy_id) SELECT * FROM t ON CONFLICT (id) DO NOTHING";

// ON CONFLICT DO UPDATE may not touch a row twice in one statement, so the caller passes
// each bar key once (the batch's last version of it).
constexpr const char* kBarsSql =
    "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::numeric[], $5::numeric[], $6::numeric[],"
    "   $7::numeric[], $8::numeric[])"
    " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,"
    " low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume";

// Every signal of a batch is the writer's portfolio's ($12).
constexpr const char* kSignalsSql =
    "INSERT INTO signals (id, strategy, symbol, side, strength, price, reason, indicators, acted, created_at,"
    " strategy_id, portfolio_id) SELECT *, $12::bigint FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],"
    "   $5::float8[], $6::numeric[], $7::text[], $8::jsonb[], $9::boolean[], $10::timestamptz[], $11::bigint[])"
    " ON CONFLICT (id) DO NOTHING";

// Turns a batch into a few set-based statements, one per record kind, instead of one per
// record. Session and strategy-instance records are rare and must apply in order relative
// to each other (an instance deleted and re-added under its name), so they stay one
// statement each, run as they are met; nothing else depends on their order.
class BatchWriter {
 public:
  BatchWriter(pqxx::transaction_base& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id)
      : tx_(tx), instruments_(instruments), portfolio_id_(portfolio_id), last_position_(instruments.size()) {}

  void operator()(const engine::TradeRecord& r) {
    const auto& t = r.trade;
    trades_.id.add_plain(static_cast<long long>(t.id));
    trades_.order_id.add_plain(static_cast<long long>(t.order_id));
    trades_.portfolio_id.add_plain(static_cast<long long>(t.portfolio_id));
    trades_.symbol.add(instruments_.at(t.symbol).symbol);
    trades_.side.add_plain(core::to_string(t.side));
    trades_.quantity.add_plain(t.quantity.to_string());
    trades_.price.add_plain(t.price.to_string());
    trades_.fee.add_plain(t.fee.to_string());
    trades_.realized_pnl.add_plain(t.realized_pnl.to_string());
    trades_.strategy.add(t.strategy);
    trades_.ts.add(pg::text(t.ts));
    trades_.strategy_id.add_plain(static_cast<long long>(t.strategy_id));
    last_position_.at(t.symbol) = &r;
    last_trade_ = &r;
  }

  void operator()(const engine::BarRecord& r) { bars_.push_back(&r.bar); }

  void operator()(const engine::SignalRecord& r) {
    const auto& s = r.entry.signal;
    signals_.id.add_plain(static_cast<long long>(r.entry.id));
    signals_.strategy.add(s.strategy);
    signals_.symbol.add(instruments_.at(s.symbol).symbol);
    signals_.side.add_plain(core::to_string(s.side));
    signals_.strength.add(pqxx::to_string(s.strength));
    signals_.price.add_plain(s.price.to_string());
    signals_.reason.add(s.reason);
    signals_.indicators.add(strategies::indicator_values_json(s).dump());
    signals_.acted.add_plain(r.entry.acted ? "t" : "f");
    signals_.ts.add(pg::text(s.ts));
    signals_.strategy_id.add_plain(static_cast<long long>(r.entry.strategy_id));
    ++signal_count_;
  }

  void operator()(const engine::SessionRecord& r) const {
    tx_.exec_params0(
        "INSERT INTO trading_sessions (portfolio_id, state, strategy, params, symbols, started_at, updated_at,"
        " changed_by) VALUES ($1, $2, $7, $3::jsonb, $4::text[], $5, $6, NULLIF($8, 0))"
        " ON CONFLICT (portfolio_id, started_at)"
        " DO UPDATE SET state = EXCLUDED.state, strategy = EXCLUDED.strategy, params = EXCLUDED.params,"
        " symbols = EXCLUDED.symbols, updated_at = EXCLUDED.updated_at, changed_by = EXCLUDED.changed_by",
        portfolio_id_, std::string(engine::to_string(r.state)), engine::encode_strategy(r.strategy),
        encode_symbols(r, instruments_), pg::text(r.started_at), pg::text(r.updated_at),
        std::string(r.strategy.class_name), static_cast<long long>(r.changed_by));
  }

  void operator()(const engine::InstanceRecord& r) const {
    const auto& c = r.config;
    tx_.exec_params0(
        "INSERT INTO strategies (id, portfolio_id, name, class_name, params, symbols, active, state, timeframe,"
        " position_fraction, portfolio, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[], $7, $8, $9, $10,"
        " $11, $12) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, params = EXCLUDED.params,"
        " symbols = EXCLUDED.symbols, active = EXCLUDED.active, state = EXCLUDED.state,"
        " timeframe = EXCLUDED.timeframe, position_fraction = EXCLUDED.position_fraction,"
        " portfolio = EXCLUDED.portfolio, updated_at = EXCLUDED.updated_at",
        static_cast<long long>(c.id), portfolio_id_, c.name, std::string(c.strategy.class_name),
        engine::encode_strategy(c.strategy), encode_symbol_list(c.symbols, instruments_), c.active,
        std::string(engine::to_string(r.state)), std::string(core::to_string(c.strategy.timeframe)),
        c.strategy.position_fraction, c.portfolio, pg::text(r.updated_at));
  }

  void operator()(const engine::InstanceDeleted& r) const {
    tx_.exec_params0("DELETE FROM strategies WHERE id = $1 AND portfolio_id = $2", static_cast<long long>(r.id),
                     portfolio_id_);
  }

  void operator()(const engine::OrderRecord& r) { orders_.add(r); }
  void operator()(const engine::RiskRecord& r) const { write_risk(tx_, portfolio_id_, r); }
  void operator()(const engine::EquityRecord& r) { equity_.add(r); }
  // Everything before the reset is written first, so the reset deletes it too.
  void operator()(const engine::ResetRecord& r) {
    flush();
    write_reset(tx_, portfolio_id_, r);
  }

  void operator()(const engine::OrderIdReservation& r) const {
    tx_.exec_params0("UPDATE portfolios SET order_id_reserved = GREATEST(order_id_reserved, $2) WHERE id = $1",
                     portfolio_id_, static_cast<long long>(r.upto));
  }

  void operator()(const engine::StopRecord&) const {}

  // The set-based statements for everything collected, which is then forgotten.
  void flush() {
    // Orders before the trades that refer to them.
    orders_.flush(tx_, instruments_, portfolio_id_);
    if (last_trade_) write_trades();
    // After the trades: the daily roll-up counts the batch's trades too.
    equity_.flush(tx_, portfolio_id_);
    if (!bars_.empty()) write_bars();
    if (signal_count_) {
      auto& s = signals_;
      tx_.exec_params0(kSignalsSql, s.id.str(), s.strategy.str(), s.symbol.str(), s.side.str(), s.strength.str(),
                       s.price.str(), s.reason.str(), s.indicators.str(), s.acted.str(), s.ts.str(),
                       s.strategy_id.str(), portfolio_id_);
    }
    trades_ = {};
    std::fill(last_position_.begin(), last_position_.end(), nullptr);
    last_trade_ = nullptr;
    bars_.clear();
    signals_ = {};
    signal_count_ = 0;
  }

 private:
  void write_trades() {
    PgArray symbol, quantity, cost_basis, realized_pnl, updated_at;
    for (const auto* r : last_position_) {
      if (!r) continue;
      const auto& p = r->position_after;
      symbol.add(instruments_.at(r->trade.symbol).symbol);
      quantity.add_plain(p.quantity.to_string());
      cost_basis.add_plain(p.cost_basis.to_string());
      realized_pnl.add_plain(p.realized_pnl.to_string());
      // The trade's time, as the per-record upsert wrote it.
      updated_at.add(pg::text(r->trade.ts));
    }
    auto& t = trades_;
    tx_.exec_params0(kTradesSql, t.id.str(), t.order_id.str(), t.portfolio_id.str(), t.symbol.str(), t.side.str(),
                     t.quantity.str(), t.price.str(), t.fee.str(), t.realized_pnl.str(), t.strategy.str(), t.ts.str(),
                     t.strategy_id.str(), portfolio_id_, symbol.str(), quantity.str(), cost_basis.str(),
                     realized_pnl.str(), updated_at.str(), last_trade_->cash_after.to_string(),
                     last_trade_->fees_paid_after.to_string());
  }

  void write_bars() {
    PgArray symbol, timeframe, open_time, open, high, low, close, volume;
    std::set<std::tuple<core::SymbolId, core::Timeframe, core::Timestamp>> seen;
    // Newest first, so a bar journalled twice in the batch keeps its last version.
    for (auto it = bars_.rbegin(); it != bars_.rend(); ++it) {
      const auto& b = **it;
      if (!seen.emplace(b.symbol, b.timeframe, b.open_time).second) continue;
      symbol.add(instruments_.at(b.symbol).symbol);
      timeframe.add(core::to_string(b.timeframe));
      open_time.add(pg::text(b.open_time));
      open.add_plain(b.open.to_string());
      high.add_plain(b.high.to_string());
      low.add_plain(b.low.to_string());
      close.add_plain(b.close.to_string());
      volume.add_plain(b.volume.to_string());
    }
    tx_.exec_params0(kBarsSql, symbol.str(), timeframe.str(), open_time.str(), open.str(), high.str(), low.str(),
                     close.str(), volume.str());
  }

  struct TradeColumns {
    PgArray id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy, ts, strategy_id;
  };
  struct SignalColumns {
    PgArray id, strategy, symbol, side, strength, price, reason, indicators, acted, ts, strategy_id;
  };

  pqxx::transaction_base& tx_;
  const core::InstrumentTable& instruments_;
  std::int64_t portfolio_id_;
  TradeColumns trades_;
  std::vector<const engine::TradeRecord*> last_position_;  // by symbol id
  const engine::TradeRecord* last_trade_ = nullptr;
  std::vector<const core::Bar*> bars_;
  SignalColumns signals_;
  std::size_t signal_count_ = 0;
  OrderBatch orders_;
  EquityBatch equity_;
};
// Throws Fenced when the portfolio's epoch moved on (FOR UPDATE: a takeover's epoch bump
// waits for this batch, and this batch sees the bump).
void check_epoch(pqxx::transaction_base& tx, std::int64_t portfolio_id, std::int64_t epoch) {
  if (epoch == 0) return;
  const auto current =
      tx.exec_params1("SELECT writer_epoch FROM portfolios WHERE id = $1 FOR UPDATE", portfolio_id)[0].as<long long>();
  if (current != epoch) throw Fenced{current};
}

std::int64_t insert_dead_letter(pqxx::transaction_base& tx, std::int64_t portfolio_id,
                                const engine::JournalEntry& entry, const core::InstrumentTable& instruments,
                                const std::string& error, const std::string& sqlstate,
                                std::optional<std::int64_t> depends_on) {
  return tx
      .exec_params1(
          "INSERT INTO journal_dead_letters (portfolio_id, kind, journal_seq, payload, error, sqlstate, depends_on)"
          " VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING id",
          portfolio_id, std::string(record_kind(entry.record)), static_cast<long long>(entry.seq),
          record_payload(entry.record, instruments).dump(), error,
          sqlstate.empty() ? std::nullopt : std::optional(sqlstate), depends_on)[0]
      .as<long long>();
}

// "3 trade, 1 order": how many records of each kind.
std::string count_kinds(const std::vector<engine::JournalEntry>& entries) {
  std::map<std::string_view, std::size_t> counts;
  for (const auto& e : entries)
    if (!std::holds_alternative<engine::StopRecord>(e.record)) ++counts[record_kind(e.record)];
  std::string out;
  for (const auto& [kind, n] : counts) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(kind);
  return out;
}

}  // namespace

void apply_record(pqxx::transaction_base& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                  const engine::JournalRecord& record) {
  BatchWriter writer(tx, instruments, portfolio_id);
  std::visit(writer, record);
  writer.flush();
}

JournalWriter::JournalWriter(std::string database_url, engine::JournalQueue& queue,
                             const core::InstrumentTable& instruments, std::int64_t portfolio_id, Ack ack)
    : url_(std::move(database_url)),
      queue_(queue),
      instruments_(instruments),
      portfolio_id_(portfolio_id),
      ack_(std::move(ack)) {}

JournalWriter::~JournalWriter() {
  give_up_ = true;
  queue_.interrupt();
  if (thread_.joinable()) thread_.join();
}

void JournalWriter::start() {
  // Connect before the first record (which may be seconds away), on the caller's thread before
  // the writer's exists, so that /health tells from the first request whether the database is
  // reachable. A failure here is only logged: the first batch retries with backoff.
  if (!url_.empty()) {
    try {
      connect();
    } catch (const std::exception& e) {
      storage_log()->warn("journal cannot connect yet (retried with the first batch): {}", e.what());
      conn_.reset();
      connected_ = false;
    }
  }
  thread_ = std::thread([this] { run(); });
}

void JournalWriter::join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  // The thread exits by itself once it has committed the engine's StopRecord; past the
  // grace period it is told to give up on what the database would not take.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!finished_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  give_up_ = true;
  queue_.interrupt();
  thread_.join();
}

WriterHealth JournalWriter::health() const {
  WriterHealth h;
  h.enabled = !url_.empty();
  h.connected = connected_.load();
  h.commits = commits_.load();
  h.records = records_.load();
  h.failures = failures_.load();
  h.acked_seq = acked_.load();
  h.fenced = fenced_.load();
  h.dead_lettered = dead_lettered_.load();
  h.unwritten = unwritten_.load();
  h.stopped_cleanly = stopped_cleanly_.load();
  std::lock_guard lock(error_mutex_);
  h.last_error = last_error_;
  h.unwritten_kinds = unwritten_kinds_;
  h.dead_letters_pending = pending_.size();
  std::set<std::string> kinds;
  for (const auto& d : pending_) kinds.insert(d.kind);
  for (const auto& k : kinds) h.dead_letter_kinds += (h.dead_letter_kinds.empty() ? "" : ", ") + k;
  return h;
}

std::vector<DeadLetter> JournalWriter::dead_letters() const {
  std::lock_guard lock(error_mutex_);
  return pending_;
}

void JournalWriter::set_error(std::string message) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(message);
}

void JournalWriter::sleep_backoff(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!give_up_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void JournalWriter::set_fencing(std::int64_t epoch, std::function<void()> on_fenced) {
  epoch_ = epoch;
  on_fenced_ = std::move(on_fenced);
}

void JournalWriter::connect() {
  if (conn_) return;
  conn_ = std::make_unique<Connection>(url_);
  connected_ = true;
  storage_log()->info("journal connected to PostgreSQL");
  refresh_dead_letters();
}

std::optional<std::int64_t> JournalWriter::depends_on_dead(const engine::JournalRecord& record) const {
  if (dead_orders_.empty()) return std::nullopt;
  auto dead = [this](std::uint64_t order) -> std::optional<std::int64_t> {
    const auto it = dead_orders_.find(order);
    return it == dead_orders_.end() ? std::nullopt : std::optional(it->second);
  };
  if (const auto* t = std::get_if<engine::TradeRecord>(&record)) return dead(t->trade.order_id);
  if (const auto* o = std::get_if<engine::OrderRecord>(&record)) {
    if (auto d = dead(o->order.id)) return d;
    if (o->order.parent_id) return dead(o->order.parent_id);
  }
  return std::nullopt;
}

bool JournalWriter::write_batch(const std::vector<engine::JournalEntry>& batch) {
  if (url_.empty()) return true;
  connect();
  for (const auto& entry : batch)
    if (depends_on_dead(entry.record)) {
      write_isolated(batch);
      return true;
    }
  pqxx::work tx(conn_->conn);
  check_epoch(tx, portfolio_id_, epoch_);
  BatchWriter writer(tx, instruments_, portfolio_id_);
  for (const auto& entry : batch) std::visit(writer, entry.record);
  writer.flush();
  tx.commit();
  return true;
}

void JournalWriter::write_isolated(const std::vector<engine::JournalEntry>& batch) {
  connect();
  pqxx::work tx(conn_->conn);
  check_epoch(tx, portfolio_id_, epoch_);
  // Dead orders found in this batch stay in dead_orders_ only if it commits.
  auto dead_orders = dead_orders_;
  std::uint64_t lettered = 0;
  try {
    for (const auto& entry : batch) {
      if (std::holds_alternative<engine::StopRecord>(entry.record)) continue;
      std::optional<std::int64_t> letter;
      if (const auto parent = depends_on_dead(entry.record)) {
        letter =
            insert_dead_letter(tx, portfolio_id_, entry, instruments_,
                               "depends on dead letter " + std::to_string(*parent) + " (the same order)", "", parent);
        storage_log()->error("journal record {} ({}) dead-lettered as {}: it depends on dead letter {}", entry.seq,
                             record_kind(entry.record), *letter, *parent);
      } else {
        // A savepoint by hand: the failed statement's error leaves the transaction usable
        // once rolled back to it (pqxx 6.4's subtransaction does not roll back on unwinding).
        tx.exec0("SAVEPOINT journal_record");
        try {
          apply_record(tx, instruments_, portfolio_id_, entry.record);
          tx.exec0("RELEASE SAVEPOINT journal_record");
        } catch (const std::exception& e) {
          if (classify(e) == Failure::transient) throw;
          tx.exec0("ROLLBACK TO SAVEPOINT journal_record");
          letter = insert_dead_letter(tx, portfolio_id_, entry, instruments_, e.what(), sqlstate_of(e), std::nullopt);
          storage_log()->error("journal record {} ({}) refused by the database, dead-lettered as {}: {}", entry.seq,
                               record_kind(entry.record), *letter, e.what());
        }
      }
      if (!letter) continue;
      ++lettered;
      if (const auto* o = std::get_if<engine::OrderRecord>(&entry.record)) dead_orders_.emplace(o->order.id, *letter);
    }
    tx.commit();
  } catch (...) {
    dead_orders_ = std::move(dead_orders);
    throw;
  }
  dead_lettered_.fetch_add(lettered, std::memory_order_relaxed);
  if (lettered) refresh_dead_letters();
}

void JournalWriter::refresh_dead_letters() {
  dead_letters_read_ = std::chrono::steady_clock::now();
  try {
    auto pending = list_dead_letters(url_, portfolio_id_, true);
    std::lock_guard lock(error_mutex_);
    pending_ = std::move(pending);
  } catch (const std::exception& e) {
    storage_log()->warn("cannot read the journal's dead letters: {}", e.what());
  }
}

void JournalWriter::give_up(std::vector<engine::JournalEntry>& batch) {
  // Everything still in the ring joins the batch, so the count and kinds are complete.
  while (auto entry = queue_.try_pop()) batch.push_back(std::move(*entry));
  const auto kinds = count_kinds(batch);
  std::uint64_t n = 0;
  for (const auto& e : batch)
    if (!std::holds_alternative<engine::StopRecord>(e.record)) ++n;
  unwritten_ = n;
  {
    std::lock_guard lock(error_mutex_);
    unwritten_kinds_ = kinds;
  }
  storage_log()->error("journal gave up with {} records unwritten ({}): they are lost", n, kinds.empty() ? "-" : kinds);
}

void JournalWriter::run() {
  std::vector<engine::JournalEntry> batch;
  batch.reserve(kMaxBatch);
  auto backoff = kBackoffMin;
  bool stop_committed = false;
  while (!stop_committed) {
    if (batch.empty()) {
      while (batch.size() < kMaxBatch) {
        auto entry = queue_.try_pop();
        if (!entry) break;
        batch.push_back(std::move(*entry));
        if (std::holds_alternative<engine::StopRecord>(batch.back().record)) break;
      }
      if (batch.empty()) {
        if (give_up_) break;
        queue_.wait_for_data();
        continue;
      }
    }
    const auto batch_started = std::chrono::steady_clock::now();
    try {
      try {
        write_batch(batch);
      } catch (const Fenced&) {
        throw;
      } catch (const std::exception& e) {
        // A refused record: the batch again record by record, so the refused ones go to the
        // dead letters and the rest commit. Transient failures keep the batch and retry.
        if (classify(e) != Failure::refused || !conn_) throw;
        storage_log()->warn("journal batch of {} records refused ({}): writing it record by record", batch.size(),
                            sqlstate_of(e));
        write_isolated(batch);
      }
      commit_latency_.record(std::chrono::steady_clock::now() - batch_started);
      commits_.fetch_add(1, std::memory_order_relaxed);
      records_.fetch_add(batch.size(), std::memory_order_relaxed);
      acked_ = batch.back().seq;
      ack_(batch.back().seq);
      stop_committed = std::holds_alternative<engine::StopRecord>(batch.back().record);
      batch.clear();
      backoff = kBackoffMin;
      bool any_pending = false;
      {
        std::lock_guard lock(error_mutex_);
        any_pending = !pending_.empty();
      }
      // An operator may replay or discard them from another process.
      if (any_pending && std::chrono::steady_clock::now() - dead_letters_read_ >= kDeadLetterRefresh)
        refresh_dead_letters();
    } catch (const Fenced& f) {
      fenced_ = true;
      storage_log()->critical(
          "portfolio {} was taken over by another daemon (writer epoch {} > ours {}): {} records not written,"
          " this daemon stops writing",
          portfolio_id_, f.current, epoch_, batch.size() + queue_.size());
      set_error("fenced: another daemon owns the portfolio");
      if (on_fenced_) on_fenced_();
      break;
    } catch (const std::exception& e) {
      // Connection loss and other transient failures: drop the connection, keep the batch, retry.
      failures_.fetch_add(1, std::memory_order_relaxed);
      if (connected_ || failures_ == 1) storage_log()->error("journal write failed, retrying: {}", e.what());
      set_error(e.what());
      conn_.reset();
      connected_ = false;
      if (give_up_) {
        give_up(batch);
        break;
      }
      sleep_backoff(backoff);
      backoff = std::min(backoff * 2, kBackoffMax);
    }
  }
  stopped_cleanly_ = stop_committed;
  finished_ = true;
}

}  // namespace meridian::storage
