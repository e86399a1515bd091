// The dashboard driven in a real browser (issue 16): web/e2e/dashboard.e2e.mjs, Playwright
// (playwright-core from web/node_modules) on Debian's Chromium headless, against a meridiand of
// this suite with its own database. The script, as a trader would: loads the page (no console
// errors), waits for candles and a new 1m candle, switches timeframes; selects a symbol from the
// keyboard (Tab to a price row, its focus outline, Enter and Space); checks every shown text for
// WCAG AA contrast and every Tab stop for a focus outline; places and cancels a limit order, reads
// the ticket's risk preview, replaces a resting order's price and finds it in the history, reads a
// refused order's API message; attaches a bracket's trailing stop-loss leg (a refused percent
// first); sees a market fill as a marker and a position; adds a strategy from the schema form and
// runs it through its lifecycle and a params edit; sees it started and stopped elsewhere update its
// row over /ws/strategies with no REST read; reads the logs panel (a live record over /ws/logs, the
// module and level filters, Older paging, the admins-only note for 403 and no panel for 404
// logs_disabled); opens seed 004's three pages; checks nothing spills sideways at phone width;
// pages through a 105-trade history by symbol; runs a backtest (a refused one first) with Monte
// Carlo; switches the lower pane's study and the VWAP/SuperTrend overlays, finds a signal's marker
// and filters the signals feed; reads the risk panel, edits a limit (a bad one first), halts and
// lifts trading; closes a position from its row; resets the portfolio through the typed
// confirmation; and stops the daemon to see the disconnected banner. Screenshots go to
// <build>/test-artifacts/browser. Missing Chromium or npm packages skip, or fail under CI=true.
#include <csignal>
#include <filesystem>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

namespace fs = std::filesystem;

const char* const kChromium = "/usr/bin/chromium";

class Browser : public DaemonTest {
 protected:
  void SetUp() override {
    for (const auto& [path, what] :
         {std::pair<fs::path, std::string>{kChromium, "Chromium"},
          {fs::path(MERIDIAN_E2E_WEB_DIR) / "node_modules/playwright-core", "playwright-core"},
          {fs::path(MERIDIAN_E2E_NODE), "node"}}) {
      if (fs::exists(path)) continue;
      if (in_ci()) FAIL() << path << " (" << what << ") is missing and CI=true";
      GTEST_SKIP() << path << " (" << what << ") is missing: run ./scripts/test (npm ci)";
    }
    DaemonTest::SetUp();
  }
};

TEST_F(Browser, ATraderWatchesCandlesPlacesAndCancelsOrdersAndSeesTheDaemonGo) {
  DaemonOptions options;
  options.tick_interval_ms = 20;  // 1 s of market time per tick: a new 1m candle every ~1.2 s
  auto& daemon = start_daemon(options);

  const fs::path artifacts = fs::path(MERIDIAN_E2E_ARTIFACTS) / "browser";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  SpawnOptions spawn;
  spawn.argv = {MERIDIAN_E2E_NODE, std::string(MERIDIAN_E2E_WEB_DIR) + "/e2e/dashboard.e2e.mjs"};
  spawn.cwd = MERIDIAN_E2E_WEB_DIR;
  spawn.output = artifacts / "run.log";
  spawn.drop_env_prefixes = {"MERIDIAN_", "DATABASE_URL="};
  spawn.extra_env = {"MERIDIAN_URL=" + daemon.base_url(), "MERIDIAN_PID=" + std::to_string(daemon.process().pid()),
                     "MERIDIAN_ARTIFACTS=" + artifacts.string(), std::string("CHROMIUM=") + kChromium};
  Process script(spawn);
  // Bounded: each step waits at most 10 s (a backtest, a signal or stored logs 30 s); the whole
  // run takes 70-140 s under ASan on a loaded 2-core machine.
  const auto status = script.wait_exit(std::chrono::seconds(240));
  if (!status) script.kill_now();
  const auto log = read_file(spawn.output);
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "dashboard.e2e.mjs " << (status ? describe_wait_status(*status) : "ran longer than 240 s") << ":\n"
      << log << "\nscreenshots: " << artifacts;
  EXPECT_NE(log.find("24 passed, 0 failed"), std::string::npos) << log;
  std::cout << log;

  // The script stopped the daemon (SIGTERM) for the banner: it must have exited cleanly.
  const auto exit = daemon.process().wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(exit) << "meridiand still runs after the script's SIGTERM";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << describe_wait_status(*exit);
}

}  // namespace
}  // namespace meridian::e2e
