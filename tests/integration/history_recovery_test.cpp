// After a restart the charts keep their longer past: the stored 5m..1d bars from before the
// recent minutes come back with them, with no bar twice and none missing at the seam.
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

class HistoryRecovery : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
  }
};

TEST_F(HistoryRecovery, StoredHigherBarsBeforeTheRecentMinutesComeBack) {
  const core::InstrumentTable table({{0, "AAA-USD", "crypto", core::AssetClass::crypto, "USD", 2, 4, 100.0, 0.5}});
  const auto day0 = core::Timestamp(std::chrono::sys_days{std::chrono::year{2025} / 3 / 1}.time_since_epoch());
  {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    // Ten days of 1h bars, then the last 90 minutes of the tenth day as 1m bars.
    for (int h = 0; h < 240; ++h)
      tx.exec_params0(
          "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)"
          " VALUES ('AAA-USD', '1h', $1, 100, 101, 99, 100.5, 10)",
          core::to_iso8601(day0 + std::chrono::hours(h)));
    for (int m = 0; m < 90; ++m)
      tx.exec_params0(
          "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)"
          " VALUES ('AAA-USD', '1m', $1, 100, 100, 100, 100, 1)",
          core::to_iso8601(day0 + std::chrono::hours(238) + std::chrono::minutes(m)));
    tx.commit();
  }
  storage::RecoveryOptions options;
  auto report = storage::load_state(url(), table, options);
  ASSERT_EQ(report.state.bars.size(), 90u);
  // 1h bars ending by the first minute (hour 238 starts it): hours 0..237.
  std::size_t hourly = 0;
  for (const auto& b : report.state.higher_bars) {
    if (b.timeframe != core::Timeframe::h1) continue;
    EXPECT_EQ(b.open_time, day0 + std::chrono::hours(hourly)) << "oldest first, none skipped";
    EXPECT_EQ(b.close, core::Price::parse("100.5"));
    ++hourly;
  }
  EXPECT_EQ(hourly, 238u);

  // The engine shows them before the hour its minutes complete (hour 238: its 60 minutes).
  execution::PaperExecutor executor(execution::PaperConfig{}, table);
  engine::JournalQueue queue(1 << 12);
  engine::PortfolioConfig config;
  config.autostart = false;
  engine::Portfolio engine(table, config, executor, queue, std::move(report.state));
  const auto snap = engine.make_snapshot();
  const auto& h1 = snap->series(core::Timeframe::h1, 0);
  ASSERT_EQ(h1.size(), 239u);
  for (std::size_t i = 0; i < h1.size(); ++i)
    EXPECT_EQ(h1[i].open_time, day0 + std::chrono::hours(static_cast<long>(i))) << "bar " << i;
  EXPECT_EQ(h1.back().close, core::Price::from_units(100)) << "hour 238 is the roll-up of its minutes";
}

}  // namespace
}  // namespace meridian::it
