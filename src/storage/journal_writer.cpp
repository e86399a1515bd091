#include "meridian/storage/journal_writer.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "meridian/strategies/signal_json.hpp"
#include "pg_codec.hpp"
#include "session_codec.hpp"

namespace meridian::storage {

struct JournalWriter::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

namespace {
constexpr std::size_t kMaxBatch = 1024;
constexpr auto kBackoffMin = std::chrono::milliseconds(100);
constexpr auto kBackoffMax = std::chrono::milliseconds(5000);

std::shared_ptr<spdlog::logger> storage_log() {
  static auto log = spdlog::default_logger()->clone("storage");
  return log;
}

struct RecordWriter {
  pqxx::work& tx;
  const core::InstrumentTable& instruments;
  std::int64_t portfolio_id;

  void operator()(const engine::TradeRecord& r) const {
    const auto& t = r.trade;
    const auto& symbol = instruments.at(t.symbol).symbol;
    const std::string side(core::to_string(t.side));
    const auto ts = pg::text(t.ts);
    // ON CONFLICT: a batch retried after a lost connection may have committed already.
    tx.exec_params0(
        "INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, strategy, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, 'market', $5, 'filled', $6, $7, $7) ON CONFLICT (id) DO NOTHING",
        static_cast<long long>(t.order_id), t.portfolio_id, symbol, side, t.quantity.to_string(),
        std::string(t.strategy), ts);
    tx.exec_params0(
        "INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy,"
        " executed_at, strategy_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (id) DO NOTHING",
        static_cast<long long>(t.id), static_cast<long long>(t.order_id), t.portfolio_id, symbol, side,
        t.quantity.to_string(), t.price.to_string(), t.fee.to_string(), t.realized_pnl.to_string(),
        std::string(t.strategy), ts, static_cast<long long>(t.strategy_id));
    const auto& p = r.position_after;
    tx.exec_params0(
        "INSERT INTO positions (portfolio_id, symbol, quantity, cost_basis, realized_pnl, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (portfolio_id, symbol) DO UPDATE SET"
        " quantity = EXCLUDED.quantity, cost_basis = EXCLUDED.cost_basis, realized_pnl = EXCLUDED.realized_pnl,"
        " updated_at = EXCLUDED.updated_at",
        portfolio_id, symbol, p.quantity.to_string(), p.cost_basis.to_string(), p.realized_pnl.to_string(), ts);
    tx.exec_params0("UPDATE portfolios SET cash = $2, fees_paid = $3, updated_at = now() WHERE id = $1", portfolio_id,
                    r.cash_after.to_string(), r.fees_paid_after.to_string());
  }

  void operator()(const engine::BarRecord& r) const {
    const auto& b = r.bar;
    tx.exec_params0(
        "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET"
        " open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
        " volume = EXCLUDED.volume",
        instruments.at(b.symbol).symbol, std::string(core::to_string(b.timeframe)), pg::text(b.open_time),
        b.open.to_string(), b.high.to_string(), b.low.to_string(), b.close.to_string(), b.volume.to_string());
  }

  void operator()(const engine::SignalRecord& r) const {
    const auto& s = r.entry.signal;
    tx.exec_params0(
        "INSERT INTO signals (id, strategy, symbol, side, strength, price, reason, indicators, acted, created_at,"
        " strategy_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11) ON CONFLICT (id) DO NOTHING",
        static_cast<long long>(r.entry.id), std::string(s.strategy), instruments.at(s.symbol).symbol,
        std::string(core::to_string(s.side)), s.strength, s.price.to_string(), std::string(s.reason),
        strategies::indicator_values_json(s).dump(), r.entry.acted, pg::text(s.ts),
        static_cast<long long>(r.entry.strategy_id));
  }

  void operator()(const engine::SessionRecord& r) const {
    tx.exec_params0(
        "INSERT INTO trading_sessions (portfolio_id, state, strategy, params, symbols, started_at, updated_at)"
        " VALUES ($1, $2, $7, $3::jsonb, $4::text[], $5, $6) ON CONFLICT (portfolio_id, started_at)"
        " DO UPDATE SET state = EXCLUDED.state, strategy = EXCLUDED.strategy, params = EXCLUDED.params,"
        " symbols = EXCLUDED.symbols, updated_at = EXCLUDED.updated_at",
        portfolio_id, std::string(engine::to_string(r.state)), engine::encode_strategy(r.strategy),
        encode_symbols(r, instruments), pg::text(r.started_at), pg::text(r.updated_at),
        std::string(r.strategy.class_name));
  }

  void operator()(const engine::InstanceRecord& r) const {
    const auto& c = r.config;
    tx.exec_params0(
        "INSERT INTO strategies (id, portfolio_id, name, class_name, params, symbols, active, state, timeframe,"
        " position_fraction, portfolio, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[], $7, $8, $9, $10,"
        " $11, $12) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, params = EXCLUDED.params,"
        " symbols = EXCLUDED.symbols, active = EXCLUDED.active, state = EXCLUDED.state,"
        " timeframe = EXCLUDED.timeframe, position_fraction = EXCLUDED.position_fraction,"
        " portfolio = EXCLUDED.portfolio, updated_at = EXCLUDED.updated_at",
        static_cast<long long>(c.id), portfolio_id, c.name, std::string(c.strategy.class_name),
        engine::encode_strategy(c.strategy), encode_symbol_list(c.symbols, instruments), c.active,
        std::string(engine::to_string(r.state)), std::string(core::to_string(c.strategy.timeframe)),
        c.strategy.position_fraction, c.portfolio, pg::text(r.updated_at));
  }

  void operator()(const engine::InstanceDeleted& r) const {
    tx.exec_params0("DELETE FROM strategies WHERE id = $1", static_cast<long long>(r.id));
  }

  void operator()(const engine::StopRecord&) const {}
};
}  // namespace

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
  std::lock_guard lock(error_mutex_);
  h.last_error = last_error_;
  return h;
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

bool JournalWriter::write_batch(const std::vector<engine::JournalEntry>& batch) {
  if (url_.empty()) return true;
  if (!conn_) {
    conn_ = std::make_unique<Connection>(url_);
    connected_ = true;
    storage_log()->info("journal connected to PostgreSQL");
  }
  pqxx::work tx(conn_->conn);
  RecordWriter writer{tx, instruments_, portfolio_id_};
  for (const auto& entry : batch) std::visit(writer, entry.record);
  tx.commit();
  return true;
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
    try {
      write_batch(batch);
      commits_.fetch_add(1, std::memory_order_relaxed);
      records_.fetch_add(batch.size(), std::memory_order_relaxed);
      acked_ = batch.back().seq;
      ack_(batch.back().seq);
      stop_committed = std::holds_alternative<engine::StopRecord>(batch.back().record);
      batch.clear();
      backoff = kBackoffMin;
    } catch (const std::exception& e) {
      // Connection loss and SQL errors alike: drop the connection, keep the batch, retry.
      failures_.fetch_add(1, std::memory_order_relaxed);
      if (connected_ || failures_ == 1) storage_log()->error("journal write failed, retrying: {}", e.what());
      set_error(e.what());
      conn_.reset();
      connected_ = false;
      if (give_up_) {
        storage_log()->error("journal gave up with {} records unwritten", batch.size() + queue_.size());
        break;
      }
      sleep_backoff(backoff);
      backoff = std::min(backoff * 2, kBackoffMax);
    }
  }
  finished_ = true;
}

}  // namespace meridian::storage
