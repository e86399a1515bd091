// Journal write throughput and fill-to-durable latency against a real PostgreSQL.
//
// A producer thread stands in for the engine: it builds TradeRecords exactly as
// Portfolio::on_fill does (a Ledger applies each fill; the record carries the cash and
// position it left behind), each after the OrderRecord of the order it fills, and pushes them
// through a JournalQueue into a JournalWriter at an offered rate. The writer's ack callback
// timestamps every sequence it made durable.
//
// Latency runs from a trade's scheduled fill time (not the moment the ring accepted it), so
// a writer that falls behind shows as latency instead of silently slowing the producer.
//
// Each offered rate gets a fresh database (migrated with storage::apply_migrations), dropped
// afterwards. A plain main rather than Google Benchmark: the figures are a distribution
// per run, not a per-iteration time.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres build/bench/bench/bench_journal
//     [--seconds 5] [--flat-trades 20000] [--rates 0,1000,10000] [--signals]
//   rate 0 = flat out: --flat-trades pushed as fast as the ring takes them. Other rates offer
//   trades at that rate for --seconds.
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "meridian/engine/journal.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"

using namespace meridian;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kRing = 1 << 16;  // serve.cpp's journal size
constexpr std::size_t kMaxTrades = 4'000'000;
constexpr std::int64_t kPortfolio = 1;
const auto kCapital = core::Money::from_units(1'000'000'000);

struct Options {
  double seconds = 5;
  std::uint64_t flat_trades = 20'000;
  std::vector<double> rates{0, 1000, 10000};
  bool signals = false;  // a SignalRecord before every trade, as the engine journals them
};

// `url` with its database replaced: a URL takes a dbname query parameter (it wins over the
// path), a key=value string takes a later dbname=.
std::string with_database(const std::string& url, const std::string& name) {
  if (url.find("://") == std::string::npos) return url + " dbname=" + name;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "dbname=" + name;
}

// The engine's side: deterministic fills over every instrument, alternating buy and sell of
// the same quantity per symbol, so the ledger never sells more than it holds.
class FillSource {
 public:
  explicit FillSource(const core::InstrumentTable& instruments)
      : instruments_(instruments), ledger_(kCapital, instruments.size()), holding_(instruments.size(), false) {}

  engine::TradeRecord next(core::Timestamp ts) {
    const auto symbol = static_cast<core::SymbolId>(n_ % instruments_.size());
    const auto& inst = instruments_.at(symbol);
    const double wave = 1.0 + 0.02 * std::sin(static_cast<double>(n_) * 0.001);
    const double tick = std::pow(10.0, -inst.price_decimals);
    const auto price = core::Price::from_double(std::round(inst.reference_price * wave / tick) * tick);
    const auto qty = core::Quantity::from_units(1 + static_cast<std::int64_t>(n_ % 7));
    const auto side = holding_[symbol] ? core::Side::sell : core::Side::buy;
    const auto quantity = side == core::Side::sell ? ledger_.position(symbol).quantity : qty;
    const auto fee = core::scale(core::notional(price, quantity), 10, 10'000);  // 10 bps
    const auto realized = ledger_.apply(symbol, side, quantity, price, fee, ts);
    holding_[symbol] = side == core::Side::buy;
    ++n_;
    engine::Trade t{n_,  n_,       kPortfolio, symbol,          side, quantity, price,
                    fee, realized, ts,         "sma_crossover", 1,    false,    {}};
    return {t, ledger_.cash(), ledger_.fees_paid(), ledger_.position(symbol)};
  }

  // The order a trade fills, as the engine journals it before the fill's TradeRecord (a
  // trades row references its orders row: trades_order_id_fkey).
  static engine::OrderRecord order_of(const engine::Trade& t) {
    execution::Order o;
    o.id = t.order_id;
    o.request.symbol = t.symbol;
    o.request.side = t.side;
    o.request.quantity = t.quantity;
    o.request.strategy_id = t.strategy_id;
    o.status = execution::OrderStatus::filled;
    o.filled_quantity = t.quantity;
    o.filled_notional = core::notional(t.price, t.quantity);
    o.fees = t.fee;
    o.created = o.eligible_at = o.updated = t.ts;
    return {o, 1};
  }

  const engine::Ledger& ledger() const { return ledger_; }

 private:
  const core::InstrumentTable& instruments_;
  engine::Ledger ledger_;
  std::vector<bool> holding_;
  std::uint64_t n_ = 0;
};

engine::SignalRecord signal_for(const engine::Trade& t, std::uint64_t id) {
  engine::SignalEntry e;
  e.id = id;
  e.acted = true;
  e.strategy_id = t.strategy_id;
  e.signal.symbol = t.symbol;
  e.signal.side = t.side;
  e.signal.strength = 0.5;
  e.signal.price = t.price;
  e.signal.ts = t.ts;
  e.signal.strategy = t.strategy;
  e.signal.reason = "fast SMA crossed slow SMA";
  e.signal.values[0] = {"fast", 101.5};
  e.signal.values[1] = {"slow", 100.25};
  e.signal.value_count = 2;
  return {e};
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

struct Result {
  std::uint64_t trades = 0;
  double elapsed_s = 0;
  std::uint64_t commits = 0;
  std::vector<double> latency_ms;  // sorted
  bool verified = false;
  std::string verify_detail;
};

// Stored cash, positions and row counts against the producer's ledger.
bool verify(const std::string& url, const core::InstrumentTable& instruments, const engine::Ledger& want,
            std::uint64_t trades, std::string& detail) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  const auto counts = tx.exec1("SELECT (SELECT count(*) FROM trades), (SELECT count(*) FROM orders)");
  if (counts[0].as<std::uint64_t>() != trades || counts[1].as<std::uint64_t>() != trades) {
    detail = "rows: " + std::string(counts[0].c_str()) + " trades, " + counts[1].c_str() + " orders, want " +
             std::to_string(trades);
    return false;
  }
  const auto cash = tx.exec_params1("SELECT cash::text FROM portfolios WHERE id = $1", kPortfolio);
  if (core::Money::parse(cash[0].c_str()) != want.cash()) {
    detail = std::string("cash ") + cash[0].c_str() + ", want " + want.cash().to_string();
    return false;
  }
  for (const auto& r : tx.exec("SELECT symbol, quantity::text, cost_basis::text FROM positions")) {
    const auto id = instruments.find(r[0].c_str());
    if (!id) continue;
    const auto& p = want.position(*id);
    if (core::Quantity::parse(r[1].c_str()) != p.quantity || core::Money::parse(r[2].c_str()) != p.cost_basis) {
      detail = std::string("position ") + r[0].c_str() + " " + r[1].c_str();
      return false;
    }
  }
  return true;
}

Result run(const std::string& url, const core::InstrumentTable& instruments, double rate, const Options& opt) {
  storage::apply_migrations(url);
  storage::RecoveryOptions ro;
  ro.portfolio_id = kPortfolio;
  ro.initial_capital = kCapital;
  storage::load_state(url, instruments, ro);  // creates the user and portfolio rows, as a first start does

  engine::JournalQueue queue(kRing);
  // Per sequence: the scheduled push time in ns since `t0`, overwritten by the latency
  // once acknowledged. Trade sequences are marked; others (signals, orders, stop) are not timed.
  const std::size_t per_trade = opt.signals ? 3 : 2;
  std::vector<std::int64_t> stamp(kMaxTrades * per_trade + 2, 0);
  std::vector<std::uint8_t> is_trade(stamp.size(), 0);
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::uint64_t acked_up_to = 0;
  std::atomic<std::uint64_t> acked{0};
  Clock::time_point last_trade_ack{};
  const auto t0 = Clock::now();

  storage::JournalWriter writer(url, queue, instruments, kPortfolio, [&](std::uint64_t seq) {
    // Writer thread. The ring's release/acquire makes stamp[s] (written before the push)
    // visible here.
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    for (auto s = acked_up_to + 1; s <= seq; ++s)
      if (is_trade[s]) {
        latencies.push_back(static_cast<double>(now_ns - stamp[s]) / 1e6);
        last_trade_ack = Clock::now();
      }
    acked_up_to = seq;
    acked.store(seq, std::memory_order_release);
  });
  writer.start();

  FillSource fills(instruments);
  std::uint64_t seq = 0, trades = 0;
  const auto interval =
      rate > 0 ? std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate)) : std::chrono::nanoseconds(0);
  const auto end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.seconds));
  auto push = [&](engine::JournalRecord rec) {
    engine::JournalEntry e{++seq, std::move(rec)};
    // Back-pressure: the engine would park the record in its overflow deque; here the
    // producer waits, and the wait shows up as latency of the records behind it.
    while (!queue.try_push(std::move(e))) std::this_thread::yield();
  };
  const auto limit = rate > 0 ? kMaxTrades : std::min(opt.flat_trades, kMaxTrades);
  while (trades < limit) {
    const auto scheduled = rate > 0 ? t0 + interval * static_cast<std::int64_t>(trades) : Clock::now();
    if (rate > 0 && scheduled >= end) break;
    if (rate > 0) {
      while (Clock::now() < scheduled) {
        if (scheduled - Clock::now() > std::chrono::microseconds(200))
          std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
    const auto stamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(scheduled - t0).count();
    auto rec = fills.next(core::now());
    if (opt.signals) {
      stamp[seq + 1] = stamp_ns;
      push(signal_for(rec.trade, rec.trade.id));
    }
    stamp[seq + 1] = stamp_ns;
    push(FillSource::order_of(rec.trade));
    stamp[seq + 1] = stamp_ns;
    is_trade[seq + 1] = 1;
    push(std::move(rec));
    ++trades;
  }
  const auto last = seq;
  while (acked.load(std::memory_order_acquire) < last) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  push(engine::StopRecord{});
  writer.join(std::chrono::seconds(10));

  Result r;
  r.trades = trades;
  r.elapsed_s = std::chrono::duration<double>(last_trade_ack - t0).count();
  r.commits = writer.health().commits;
  r.latency_ms = std::move(latencies);
  std::sort(r.latency_ms.begin(), r.latency_ms.end());
  r.verified = verify(url, instruments, fills.ledger(), trades, r.verify_detail);
  return r;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      o.seconds = std::atof(argv[++i]);
    } else if (a == "--rates" && i + 1 < argc) {
      o.rates.clear();
      std::string list = argv[++i];
      for (std::size_t p = 0; p <= list.size();) {
        const auto comma = std::min(list.find(',', p), list.size());
        o.rates.push_back(std::atof(list.substr(p, comma - p).c_str()));
        p = comma + 1;
      }
    } else if (a == "--flat-trades" && i + 1 < argc) {
      o.flat_trades = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--signals") {
      o.signals = true;
    } else {
      std::fprintf(stderr, "usage: %s [--seconds S] [--flat-trades N] [--rates R1,R2,... (0: flat out)] [--signals]\n",
                   argv[0]);
      std::exit(2);
    }
  }
  if (o.seconds <= 0 || o.flat_trades == 0 || o.rates.empty()) {
    std::fprintf(stderr, "--seconds and --flat-trades must be positive and --rates non-empty\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto opt = parse(argc, argv);
  const char* server = std::getenv("DATABASE_URL");
  if (!server || !*server) {
    std::fprintf(stderr, "bench_journal needs DATABASE_URL (a PostgreSQL server it may create databases on)\n");
    return 2;
  }
  const core::InstrumentTable instruments(core::default_instruments());
  std::printf("%-10s %9s %9s %12s %8s %9s %9s %9s %9s  %s\n", "offered/s", "trades", "seconds", "durable/s", "commits",
              "p50 ms", "p99 ms", "p99.9 ms", "max ms", "check");
  int failures = 0;
  for (const double rate : opt.rates) {
    const std::string name = "meridian_bench_" + std::to_string(::getpid()) + "_" + std::to_string(int(rate));
    try {
      {
        pqxx::connection c(server);
        pqxx::nontransaction tx(c);
        tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
        tx.exec0("CREATE DATABASE " + tx.quote_name(name));
      }
      auto r = run(with_database(server, name), instruments, rate, opt);
      std::printf("%-10s %9llu %9.2f %12.0f %8llu %9.2f %9.2f %9.2f %9.2f  %s\n",
                  rate > 0 ? std::to_string(int(rate)).c_str() : "flat-out", (unsigned long long)r.trades, r.elapsed_s,
                  double(r.trades) / r.elapsed_s, (unsigned long long)r.commits, percentile(r.latency_ms, 50),
                  percentile(r.latency_ms, 99), percentile(r.latency_ms, 99.9),
                  r.latency_ms.empty() ? 0.0 : r.latency_ms.back(),
                  r.verified ? "ok" : ("MISMATCH: " + r.verify_detail).c_str());
      std::fflush(stdout);
      if (!r.verified) ++failures;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "rate %g: %s\n", rate, e.what());
      ++failures;
    }
    try {
      pqxx::connection c(server);
      pqxx::nontransaction tx(c);
      tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "could not drop %s: %s\n", name.c_str(), e.what());
    }
  }
  return failures ? 1 : 0;
}
