// The engine's journal through JournalWriter into PostgreSQL, and back through load_state:
// what recovery loads must equal what the engine had made durable, to the unit and to the
// microsecond, and a second engine built from it must look the same to readers.
//
// Threads: the engine is single-threaded by contract, so only the test thread calls it. The
// writer's ack (on the writer thread) only stores the sequence; the test thread polls it
// with a deadline and hands it to engine.on_durable().
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;
using core::Price;
using core::Quantity;
using core::SymbolId;
using core::Timestamp;

constexpr auto kInitialCapital = core::Money::from_units(100'000);
constexpr std::int64_t kPortfolio = 1;

std::vector<core::Instrument> two_instruments() {
  return {
      {0, "AAA-USD", "crypto", core::AssetClass::crypto, "USD", 2, 6, 100.0, 0.5},
      {0, "BBB", "nyse", core::AssetClass::equity, "USD", 2, 0, 50.0, 0.3},
  };
}

engine::PortfolioConfig engine_config() {
  engine::PortfolioConfig c;
  c.initial_capital = kInitialCapital;
  c.portfolio_id = kPortfolio;
  c.strategy = meridian::engine::StrategyConfig::sma_crossover(2, 4);
  c.strategy.position_fraction = 0.5;
  c.strategy.timeframe = core::Timeframe::m1;
  c.autostart = true;
  return c;
}

storage::RecoveryOptions recovery_options() {
  storage::RecoveryOptions o;
  o.portfolio_id = kPortfolio;
  o.initial_capital = kInitialCapital;
  return o;
}

// Closing prices per minute. With SMA(2)/SMA(4): AAA goes down (sign -1 at minute 3), golden
// cross on bar 4 (buy), death cross on bar 7 (sell); BBB goes down, golden cross on bar 10
// (buy, left open). A bar closes on the first tick of the next minute, which is the touch.
const std::vector<double> kCloses[2] = {
    {110, 108, 106, 104, 112, 114, 116, 100, 98, 97, 96, 95, 94},
    {50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 48, 50, 52},
};
constexpr int kMinutes = 13;
// Within each minute: offset from the minute start and price relative to the close.
constexpr std::pair<std::chrono::seconds, double> kTickShape[] = {{1s, -0.5}, {15s, 1.25}, {30s, -1.1}, {50s, 0.0}};

Timestamp session_start() {
  using namespace std::chrono;
  return Timestamp(sys_days{year{2024} / March / 1}.time_since_epoch() + hours{10});
}

// Every tick, in time order; `jitter` is added to each tick's time within its minute.
std::vector<core::Tick> crafted_ticks(core::Duration jitter) {
  std::vector<core::Tick> ticks;
  for (int m = 0; m < kMinutes; ++m)
    for (std::size_t k = 0; k < std::size(kTickShape); ++k)
      for (SymbolId s = 0; s < 2; ++s) {
        const auto last = Price::from_double(kCloses[s][static_cast<std::size_t>(m)] + kTickShape[k].second);
        core::Tick t;
        t.symbol = s;
        t.ts = session_start() + std::chrono::minutes(m) + kTickShape[k].first + jitter;
        t.last = last;
        t.bid = last - Price::from_double(0.05);
        t.ask = last + Price::from_double(0.05);
        // Enough volume that the paper executor fills each order on the tick after it.
        t.volume = Quantity::from_double(1000.25 * static_cast<double>(k + 1) + static_cast<double>(s));
        ticks.push_back(t);
      }
  return ticks;
}

// Field by field, so a failure names the field.
void expect_same_strategy(const engine::StrategyConfig& got, const engine::StrategyConfig& want) {
  EXPECT_EQ(got.class_name, want.class_name);
  EXPECT_EQ(got.params, want.params);
  EXPECT_EQ(got.position_fraction, want.position_fraction);
  EXPECT_EQ(got.timeframe, want.timeframe);
}

// Microseconds since the epoch: PostgreSQL's TIMESTAMPTZ resolution, and readable on failure.
long long micros(Timestamp t) {
  return std::chrono::floor<std::chrono::microseconds>(t).time_since_epoch().count();
}

class JournalRoundTrip : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
  }

  // Runs a first start against the database: load_state, an engine with a live journal
  // writer, the crafted ticks, all made durable, then a clean journal stop.
  void trade_and_stop(core::Duration jitter, std::function<void(engine::Portfolio&)> before_ticks = {}) {
    auto first = storage::load_state(url(), instruments_, recovery_options());
    ASSERT_TRUE(first.summary.reconciled) << first.summary.reconcile_detail;
    ASSERT_TRUE(first.state.has_portfolio);
    EXPECT_EQ(first.state.cash, kInitialCapital);
    EXPECT_TRUE(first.state.trades.empty());
    EXPECT_FALSE(first.state.session.has_value());

    engine_ =
        std::make_unique<engine::Portfolio>(instruments_, engine_config(), executor_, queue_, std::move(first.state));
    writer_ = std::make_unique<storage::JournalWriter>(url(), queue_, instruments_, kPortfolio,
                                                       [this](std::uint64_t seq) { acked_.store(seq); });
    writer_->start();
    if (before_ticks) before_ticks(*engine_);

    const auto ticks = crafted_ticks(jitter);
    // Uneven batches, as a feed delivers them.
    for (std::size_t i = 0; i < ticks.size();) {
      const std::size_t n = std::min<std::size_t>(1 + i % 3, ticks.size() - i);
      engine_->on_ticks(std::span<const core::Tick>(ticks.data() + i, n));
      i += n;
    }
    ASSERT_TRUE(engine_->flush_journal()) << "journal ring too small for the test";

    ASSERT_NO_FATAL_FAILURE(wait_durable(engine_->last_seq()));
    const auto trades = engine_->make_snapshot()->trades;
    ASSERT_GE(trades->size(), 2u);
    ASSERT_TRUE(std::any_of(trades->begin(), trades->end(), [](const auto& t) { return t.side == core::Side::buy; }));
    ASSERT_TRUE(std::any_of(trades->begin(), trades->end(), [](const auto& t) { return t.side == core::Side::sell; }));

    engine_->request_journal_stop();
    ASSERT_TRUE(engine_->flush_journal());
    const auto stop_seq = engine_->last_seq();
    writer_->join(5s);
    ASSERT_NO_FATAL_FAILURE(wait_durable(stop_seq));
    const auto health = writer_->health();
    EXPECT_TRUE(health.enabled);
    EXPECT_EQ(health.failures, 0u) << health.last_error;
    EXPECT_EQ(health.acked_seq, stop_seq);
    EXPECT_EQ(health.records, stop_seq);
    EXPECT_GE(health.commits, 1u);
  }

  void wait_durable(std::uint64_t seq) {
    ASSERT_TRUE(poll_until([&] { return acked_.load() >= seq; }))
        << "writer acknowledged " << acked_.load() << ", wanted " << seq
        << "; last error: " << writer_->health().last_error;
    engine_->on_durable(acked_.load());
  }

  storage::RecoveryReport reload() { return storage::load_state(url(), instruments_, recovery_options()); }

  void exec(const std::string& sql) {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    tx.exec0(sql);
    tx.commit();
  }

  // The recovered state against the first engine's durable state.
  void expect_equals_durable(const storage::RecoveryReport& report) {
    const auto& s = report.state;
    const auto& durable = engine_->durable_ledger();
    EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
    EXPECT_TRUE(s.has_portfolio);
    EXPECT_EQ(s.cash, durable.cash()) << s.cash.to_string() << " vs " << durable.cash().to_string();
    EXPECT_EQ(s.fees_paid, durable.fees_paid());
    // The durable ledger is what readers see; it must equal the live one once all is durable.
    EXPECT_EQ(durable, engine_->ledger());

    for (SymbolId id = 0; id < instruments_.size(); ++id) {
      SCOPED_TRACE(instruments_.at(id).symbol);
      const auto& want = durable.position(id);
      auto it = std::find_if(s.positions.begin(), s.positions.end(), [&](const auto& p) { return p.first == id; });
      if (it == s.positions.end()) {
        EXPECT_TRUE(want.quantity.is_zero() && want.cost_basis.is_zero() && want.realized_pnl.is_zero())
            << "position never written";
        continue;
      }
      EXPECT_EQ(it->second.quantity, want.quantity) << it->second.quantity.to_string();
      EXPECT_EQ(it->second.cost_basis, want.cost_basis) << it->second.cost_basis.to_string();
      EXPECT_EQ(it->second.realized_pnl, want.realized_pnl) << it->second.realized_pnl.to_string();
      EXPECT_EQ(micros(it->second.updated_at), micros(want.updated_at));
    }

    const auto& trades = *engine_->make_snapshot()->trades;
    ASSERT_EQ(s.trades.size(), trades.size());
    EXPECT_EQ(s.trades_total, trades.size());
    for (std::size_t i = 0; i < trades.size(); ++i) {
      SCOPED_TRACE("trade " + std::to_string(i));
      const auto& got = s.trades[i];
      const auto& want = trades[i];
      EXPECT_EQ(got.id, want.id);
      EXPECT_EQ(got.order_id, want.order_id);
      EXPECT_EQ(got.portfolio_id, want.portfolio_id);
      EXPECT_EQ(got.symbol, want.symbol);
      EXPECT_EQ(got.side, want.side);
      EXPECT_EQ(got.quantity, want.quantity) << got.quantity.to_string() << " vs " << want.quantity.to_string();
      EXPECT_EQ(got.price, want.price) << got.price.to_string() << " vs " << want.price.to_string();
      EXPECT_EQ(got.fee, want.fee) << got.fee.to_string() << " vs " << want.fee.to_string();
      EXPECT_EQ(got.realized_pnl, want.realized_pnl) << got.realized_pnl.to_string();
      EXPECT_EQ(got.strategy, want.strategy);
      EXPECT_EQ(micros(got.ts), micros(want.ts));
    }
    EXPECT_EQ(s.last_trade_id, trades.empty() ? 0 : trades.back().id);
    EXPECT_EQ(s.last_order_id, trades.empty() ? 0 : trades.back().order_id);

    ASSERT_TRUE(s.session.has_value());
    const auto& session = engine_->session();
    EXPECT_EQ(s.session->state, session.state);
    expect_same_strategy(s.session->strategy, session.strategy);
    expect_same_strategy(s.session->strategy, engine_config().strategy);
    EXPECT_EQ(s.session->state, engine::SessionState::running);
    EXPECT_EQ(s.session->symbols, session.symbols);
  }

  const core::InstrumentTable instruments_{two_instruments()};
  execution::PaperExecutor executor_{execution::PaperConfig{}, instruments_};
  engine::JournalQueue queue_{4096};
  std::atomic<std::uint64_t> acked_{0};
  std::unique_ptr<engine::Portfolio> engine_;
  std::unique_ptr<storage::JournalWriter> writer_;
};

TEST_F(JournalRoundTrip, FirstStartCreatesTheDefaultPortfolioOnce) {
  for (int start = 0; start < 2; ++start) {
    auto report = reload();
    EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
    EXPECT_TRUE(report.state.has_portfolio);
    EXPECT_EQ(report.state.cash, kInitialCapital);
    EXPECT_TRUE(report.state.fees_paid.is_zero());
    EXPECT_TRUE(report.state.positions.empty());
    EXPECT_TRUE(report.state.trades.empty());
    EXPECT_EQ(report.state.last_trade_id, 0u);
    EXPECT_FALSE(report.state.session.has_value());
    EXPECT_TRUE(report.state.bars.empty());
  }
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM users")[0].as<long long>(), 1);
  auto pf = tx.exec1("SELECT count(*), min(id), min(initial_cash)::text, min(cash)::text FROM portfolios");
  EXPECT_EQ(pf[0].as<long long>(), 1);
  EXPECT_EQ(pf[1].as<long long>(), kPortfolio);
  EXPECT_EQ(core::Money::parse(pf[2].c_str()), kInitialCapital);
  EXPECT_EQ(core::Money::parse(pf[3].c_str()), kInitialCapital);
}

TEST_F(JournalRoundTrip, RecoveredStateEqualsTheEnginesDurableState) {
  // Tick times on whole milliseconds here; sub-millisecond times have their own test.
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(250ms));
  const auto report = reload();
  expect_equals_durable(report);

  // Bars: every closed 1m bar comes back with exact OHLCV.
  const auto snap = engine_->make_snapshot();
  std::size_t closed = 0;
  for (SymbolId id = 0; id < instruments_.size(); ++id) {
    SCOPED_TRACE(instruments_.at(id).symbol);
    const auto& want = *snap->bars[id];
    EXPECT_EQ(want.size(), static_cast<std::size_t>(kMinutes - 1));
    std::vector<core::Bar> got;
    for (const auto& b : report.state.bars)
      if (b.symbol == id) got.push_back(b);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE("bar " + std::to_string(i));
      EXPECT_EQ(got[i].timeframe, core::Timeframe::m1);
      EXPECT_EQ(got[i].open_time, want[i].open_time);
      EXPECT_EQ(got[i].open, want[i].open) << got[i].open.to_string();
      EXPECT_EQ(got[i].high, want[i].high) << got[i].high.to_string();
      EXPECT_EQ(got[i].low, want[i].low) << got[i].low.to_string();
      EXPECT_EQ(got[i].close, want[i].close) << got[i].close.to_string();
      EXPECT_EQ(got[i].volume, want[i].volume) << got[i].volume.to_string();
    }
    closed += want.size();
  }
  EXPECT_EQ(report.state.bars.size(), closed);
  // Oldest first across symbols, as the engine warms up from them.
  EXPECT_TRUE(std::is_sorted(report.state.bars.begin(), report.state.bars.end(),
                             [](const auto& a, const auto& b) { return a.open_time < b.open_time; }));
}

// Live ticks carry sub-millisecond times (core::now() is nanoseconds). The trade log, the
// positions and the session must come back to the microsecond PostgreSQL keeps; otherwise a
// restarted daemon shows different trade times than it did before the restart.
TEST_F(JournalRoundTrip, SubMillisecondTimesSurviveToTheMicrosecond) {
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(std::chrono::microseconds(123'456)));
  const auto report = reload();
  expect_equals_durable(report);
  ASSERT_TRUE(report.state.session.has_value());
  EXPECT_EQ(micros(report.state.session->started_at), micros(engine_->session().started_at));
  EXPECT_EQ(micros(report.state.session->updated_at), micros(engine_->session().updated_at));
}

TEST_F(JournalRoundTrip, SecondEngineFromRecoveredStateHasTheSameSnapshot) {
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(250ms));
  const auto report = reload();
  ASSERT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;

  execution::PaperExecutor executor{execution::PaperConfig{}, instruments_};
  engine::JournalQueue queue{4096};
  engine::Portfolio second(instruments_, engine_config(), executor, queue, report.state);
  const auto a = engine_->make_snapshot();
  const auto b = second.make_snapshot();

  EXPECT_EQ(b->cash, a->cash);
  EXPECT_EQ(b->fees_paid, a->fees_paid);
  EXPECT_EQ(b->realized_pnl, a->realized_pnl);
  EXPECT_EQ(b->initial_capital, a->initial_capital);
  // Not equity: the open minute's ticks stay in memory, so the second engine marks open
  // positions at the last persisted close.
  ASSERT_EQ(b->positions.size(), a->positions.size());
  for (std::size_t i = 0; i < a->positions.size(); ++i) {
    EXPECT_EQ(b->positions[i].symbol, a->positions[i].symbol);
    EXPECT_EQ(b->positions[i].state, a->positions[i].state);
  }
  EXPECT_EQ(*b->trades, *a->trades);
  EXPECT_EQ(b->trades_total, a->trades_total);
  EXPECT_EQ(b->session.state, a->session.state);
  expect_same_strategy(b->session.strategy, a->session.strategy);
  EXPECT_EQ(b->session.symbols, a->session.symbols);
  ASSERT_EQ(b->bars.size(), a->bars.size());
  for (std::size_t id = 0; id < a->bars.size(); ++id) {
    ASSERT_EQ(b->bars[id]->size(), a->bars[id]->size());
    for (std::size_t i = 0; i < a->bars[id]->size(); ++i) {
      const auto& x = (*a->bars[id])[i];
      const auto& y = (*b->bars[id])[i];
      EXPECT_TRUE(x.open_time == y.open_time && x.open == y.open && x.high == y.high && x.low == y.low &&
                  x.close == y.close && x.volume == y.volume)
          << "bar " << i << " of symbol " << id;
    }
  }
  // Resuming a saved session journals nothing new: the database already has it.
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(JournalRoundTrip, ReconciliationDetectsTampering) {
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(250ms));
  ASSERT_TRUE(reload().summary.reconciled);

  exec("UPDATE portfolios SET cash = cash + 1 WHERE id = 1");
  auto tampered = reload();
  EXPECT_FALSE(tampered.summary.reconciled);
  EXPECT_FALSE(tampered.summary.reconcile_detail.empty());

  exec("UPDATE portfolios SET cash = cash - 1 WHERE id = 1");
  ASSERT_TRUE(reload().summary.reconciled);

  exec("UPDATE positions SET quantity = quantity + 1 WHERE portfolio_id = 1 AND symbol = 'BBB'");
  EXPECT_FALSE(reload().summary.reconciled);
  exec("UPDATE positions SET quantity = quantity - 1 WHERE portfolio_id = 1 AND symbol = 'BBB'");
  ASSERT_TRUE(reload().summary.reconciled);

  // The log itself edited behind the ledger's back: the database's fold moves, the ledger not.
  exec("UPDATE trades SET price = price + 1 WHERE id = (SELECT min(id) FROM trades)");
  EXPECT_FALSE(reload().summary.reconciled);
}

// #11 item 4: a trade recorded by hand is marked manual in the database (migration 008 takes the
// mark from its order row), with why it was forced; the engine's fills are not.
TEST_F(JournalRoundTrip, HandRecordedTradesAreMarkedManualInTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(250ms, [](engine::Portfolio& e) {
    engine::ManualTrade m;
    m.symbol = 0;
    m.side = core::Side::buy;
    m.quantity = core::Quantity::from_units(1);
    m.price = core::Price::from_units(100);
    m.force = true;  // no market price yet
    m.reason = "broker fill";
    engine::OrderTicket t;
    ASSERT_FALSE(e.record_trade(m, t));
  }));
  pqxx::connection conn(url());
  pqxx::work tx(conn);
  const auto manual = tx.exec("SELECT note FROM trades WHERE manual ORDER BY id");
  ASSERT_EQ(manual.size(), 1u);
  EXPECT_EQ(manual[0][0].as<std::string>(), "forced: broker fill");
  EXPECT_GT(tx.exec1("SELECT count(*) FROM trades WHERE NOT manual")[0].as<long long>(), 0);
  const auto report = reload();
  EXPECT_TRUE(report.summary.reconciled);
  // The mark and the note come back with the trade log after a restart.
  const auto& trades = report.state.trades;
  const auto it = std::find_if(trades.begin(), trades.end(), [](const engine::Trade& t) { return t.manual; });
  ASSERT_NE(it, trades.end());
  EXPECT_EQ(it->note, "forced: broker fill");
  EXPECT_EQ(std::count_if(trades.begin(), trades.end(), [](const engine::Trade& t) { return t.manual; }), 1);
}

// A second strategy instance next to the session's: its configuration and state, the
// signals, and each instance's share of the positions come back from the database.
TEST_F(JournalRoundTrip, StrategyInstancesAndTheirHoldingsSurviveARestart) {
  using Cmd = engine::Portfolio::InstanceCommand;
  ASSERT_NO_FATAL_FAILURE(trade_and_stop(250ms, [](engine::Portfolio& e) {
    engine::InstanceConfig c;
    c.name = "twin";
    c.strategy = engine::StrategyConfig::sma_crossover(2, 4);
    c.strategy.position_fraction = 0.2;
    c.symbols = {0, 1};
    std::uint64_t id = 0;
    ASSERT_FALSE(e.add_instance(c, id));
    ASSERT_FALSE(e.instance_command("twin", Cmd::init));
    ASSERT_FALSE(e.instance_command("twin", Cmd::start));
  }));
  const auto report = reload();
  EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
  const auto& s = report.state;
  ASSERT_EQ(s.instances.size(), 1u);
  const auto& rec = s.instances[0];
  EXPECT_EQ(rec.config.id, 2u);
  EXPECT_EQ(rec.config.name, "twin");
  EXPECT_EQ(rec.config.strategy.class_name, "sma_crossover");
  EXPECT_EQ(rec.config.strategy.params, engine::StrategyConfig::sma_crossover(2, 4).params);
  EXPECT_EQ(rec.config.strategy.position_fraction, 0.2);
  EXPECT_EQ(rec.config.symbols, (std::vector<SymbolId>{0, 1}));
  EXPECT_EQ(rec.state, engine::InstanceState::running);

  const auto snap = engine_->make_snapshot();
  ASSERT_EQ(snap->instances->size(), 2u);
  for (const auto& view : *snap->instances) {
    SCOPED_TRACE(view.config.name);
    EXPECT_GE(view.signals, 1u);
    auto it = std::find_if(s.attribution.begin(), s.attribution.end(),
                           [&](const auto& a) { return a.first == view.config.id; });
    ASSERT_NE(it, s.attribution.end());
    std::size_t open = 0;
    for (const auto& [symbol, position] : it->second) {
      if (position.quantity.is_zero()) continue;
      ++open;
      auto held =
          std::find_if(view.holdings.begin(), view.holdings.end(), [&](const auto& h) { return h.symbol == symbol; });
      ASSERT_NE(held, view.holdings.end());
      EXPECT_EQ(held->state.quantity, position.quantity);
      EXPECT_EQ(held->state.cost_basis, position.cost_basis);
    }
    EXPECT_EQ(open, view.holdings.size());
  }

  // Every signal is back, with its instance and its text.
  ASSERT_EQ(s.signals.size(), snap->signals->size());
  for (std::size_t i = 0; i < s.signals.size(); ++i) {
    const auto& got = s.signals[i];
    const auto& want = (*snap->signals)[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.strategy_id, want.strategy_id);
    EXPECT_EQ(got.acted, want.acted);
    EXPECT_EQ(got.signal.side, want.signal.side);
    EXPECT_EQ(got.signal.reason, want.signal.reason);
    ASSERT_EQ(got.signal.value_count, want.signal.value_count);
  }

  // A second engine from it shows the same instances and holdings.
  engine::JournalQueue queue(4096);
  execution::PaperExecutor executor{execution::PaperConfig{}, instruments_};
  auto state = report.state;
  engine::Portfolio second(instruments_, engine_config(), executor, queue, std::move(state));
  const auto again = second.make_snapshot();
  ASSERT_EQ(again->instances->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& a = (*snap->instances)[i];
    const auto& b = (*again->instances)[i];
    EXPECT_EQ(b.config, a.config);
    EXPECT_EQ(b.state, a.state);
    ASSERT_EQ(b.holdings.size(), a.holdings.size());
    for (std::size_t k = 0; k < a.holdings.size(); ++k) EXPECT_EQ(b.holdings[k].state, a.holdings[k].state);
  }
}

}  // namespace
}  // namespace meridian::it
