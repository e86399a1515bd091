// `meridiand backtest` as a user runs it: over a CSV (trades, curves and metrics in --json, the
// same result twice), over bars imported into the database (read only: nothing is written), and
// the bad inputs, each exiting 2 with the field at fault on stderr.
#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

constexpr long long kT0Ms = 1704067200000;  // 2024-01-01T00:00:00Z

// Minutes rising and falling in waves: an SMA crossover trades on every turn.
std::string waves_csv(int minutes) {
  std::string out = "ts,open,high,low,close,volume\n";
  double price = 42'000;
  for (int i = 0; i < minutes; ++i) {
    const double step = (i / 60) % 2 == 0 ? 7.5 : -7.0;
    const double open = price, close = price + step;
    char line[160];
    std::snprintf(line, sizeof line, "%lld,%.2f,%.2f,%.2f,%.2f,%d\n", kT0Ms + i * 60'000LL, open,
                  std::max(open, close) + 2, std::min(open, close) - 2, close, 5 + i % 7);
    out += line;
    price = close;
  }
  return out;
}

class BacktestCli : public ::testing::Test {
 protected:
  std::string csv(int minutes) {
    const auto path = dir_.path() / "btc.csv";
    std::ofstream(path, std::ios::binary) << waves_csv(minutes);
    return path.string();
  }
  std::vector<std::string> args(const std::string& data, std::vector<std::string> more = {}) {
    std::vector<std::string> a{"backtest",
                               "--strategy",
                               "sma_crossover",
                               "--param",
                               "fast_period=5",
                               "--param",
                               "slow_period=20",
                               "--symbols",
                               "BTC-USD",
                               "--from",
                               "2024-01-01T00:00:00Z",
                               "--to",
                               "2024-01-02T00:00:00Z",
                               "--data",
                               data};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  TempDir dir_{"meridian-backtest-"};
};

TEST_F(BacktestCli, RunsOverACsvAndWritesTheResult) {
  const auto file = csv(1440);
  const auto out = dir_.path() / "result.json";
  auto run = run_meridiand(dir_, args("csv:" + file, {"--json", out.string()}));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("final equity"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("completed"), std::string::npos) << run.out;

  const auto result = nlohmann::json::parse(read_file(out));
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["progress"]["bars_done"], 1440);
  const auto& trades = result["trades"];
  ASSERT_GE(trades.size(), 10u);
  EXPECT_EQ(result["metrics"]["fills"], trades.size());
  for (const auto& t : trades) EXPECT_EQ(t["symbol"], "BTC-USD");
  EXPECT_EQ(trades[0]["side"], "buy");
  ASSERT_GE(result["equity_curve"].size(), 2u);
  EXPECT_EQ(result["equity_curve"][0]["equity"], 100'000.0);
  EXPECT_EQ(result["equity_curve"].size(), result["drawdown_curve"].size());
  EXPECT_DOUBLE_EQ(result["equity_curve"].back()["equity"].get<double>(),
                   result["metrics"]["final_equity"].get<double>());

  // The same bars give the same trades.
  auto again = run_meridiand(dir_, args("csv:" + file, {"--json", "-"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["trades"], trades);
}

TEST_F(BacktestCli, BadInputExitsTwoNamingTheField) {
  const auto file = csv(600);
  auto unknown_class = args("csv:" + file);
  unknown_class[2] = "astrology";
  auto r = run_meridiand(dir_, unknown_class);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("strategy.class"), std::string::npos) << r.err;

  r = run_meridiand(dir_, args("csv:" + file, {"--param", "lookback=3"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lookback"), std::string::npos) << r.err;

  auto no_data = args("csv:" + file);
  no_data[10] = "2025-01-01T00:00:00Z";
  no_data[12] = "2025-01-02T00:00:00Z";
  r = run_meridiand(dir_, no_data);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no bars for BTC-USD"), std::string::npos) << r.err;

  r = run_meridiand(dir_, args("sim:7", {"--max-bars", "100"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the limit is 100"), std::string::npos) << r.err;

  r = run_meridiand(dir_, args("db"));  // no database URL given
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("data"), std::string::npos) << r.err;
}

TEST_F(BacktestCli, RunsTheSeededSimulatorReproducibly) {
  const std::vector<std::string> more{"--json", "-", "--monte-carlo", "500", "--seed", "3"};
  const auto a = run_meridiand(dir_, args("sim:11", more));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = run_meridiand(dir_, args("sim:11", more));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["progress"]["bars_done"], 1440);
  EXPECT_EQ(ja["trades"], jb["trades"]);
  EXPECT_EQ(ja["metrics"]["final_equity"], jb["metrics"]["final_equity"]);
  // The Monte Carlo over it: the paths asked for, the same figures for the same seed.
  EXPECT_EQ(ja["monte_carlo"]["trades"]["paths"], 500);
  EXPECT_EQ(ja["monte_carlo"]["trades"]["steps"], ja["metrics"]["trades"]);
  EXPECT_EQ(ja["monte_carlo"], jb["monte_carlo"]);
}

// `--sweep`: every combination ranked in --json, the winner's figures those of its single
// backtest, the same ranking on one thread as on two, and walk-forward windows that tile the range.
TEST_F(BacktestCli, SweepsRanksAndWalksForward) {
  const auto file = csv(1440);
  auto sweep_args = [&](std::vector<std::string> more) {
    auto a = args("csv:" + file);
    a.erase(a.begin() + 3, a.begin() + 7);  // the --param flags
    for (const auto* f : {"--sweep", "fast_period=3,5,8", "--sweep", "slow_period=10:30:10", "--rank", "total_return"})
      a.push_back(f);
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  const auto out = dir_.path() / "sweep.json";
  auto run = run_meridiand(dir_, sweep_args({"--threads", "2", "--json", out.string()}));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("9 combinations, ranked by total_return"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("fast_period"), std::string::npos) << run.out;
  const auto doc = nlohmann::json::parse(read_file(out));
  const auto& sweep = doc["sweep"];
  EXPECT_EQ(sweep["status"], "completed");
  EXPECT_EQ(sweep["threads"], 2);
  ASSERT_EQ(sweep["ranked"].size(), 9u);
  for (std::size_t k = 1; k < 9; ++k)
    EXPECT_GE(sweep["ranked"][k - 1]["score"].get<double>(), sweep["ranked"][k]["score"].get<double>()) << k;
  const auto& best = sweep["ranked"][0];
  EXPECT_EQ(best["score"], best["metrics"]["total_return"]);

  // The winner alone, as a single backtest, has the same figures.
  auto single = args("csv:" + file, {"--json", "-"});
  single[4] = "fast_period=" + std::to_string(best["params"]["fast_period"].get<int>());
  single[6] = "slow_period=" + std::to_string(best["params"]["slow_period"].get<int>());
  auto alone = run_meridiand(dir_, single);
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(nlohmann::json::parse(alone.out)["metrics"], best["metrics"]);

  // One thread ranks as two do.
  auto one = run_meridiand(dir_, sweep_args({"--threads", "1", "--json", "-"}));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto one_doc = nlohmann::json::parse(one.out);
  EXPECT_EQ(one_doc["sweep"]["ranked"], sweep["ranked"]);

  auto wf = run_meridiand(dir_, sweep_args({"--walk-forward", "3", "--in-sample", "0.6", "--json", "-"}));
  ASSERT_EQ(wf.exit_code, 0) << wf.err;
  const auto windows = nlohmann::json::parse(wf.out)["walk_forward"]["windows"];
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0]["in_sample"]["from"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(windows[2]["out_of_sample"]["to"], "2024-01-02T00:00:00.000Z");
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(windows[k]["in_sample"]["to"], windows[k]["out_of_sample"]["from"]);
    if (k > 0) {
      EXPECT_EQ(windows[k]["in_sample"]["from"], windows[k - 1]["out_of_sample"]["to"]);
    }
    EXPECT_EQ(windows[k]["combinations_ranked"], 9);
  }
}

TEST_F(BacktestCli, BadSweepsExitTwoNamingTheField) {
  const auto file = csv(600);
  auto r = run_meridiand(dir_, args("csv:" + file, {"--sweep", "fast_period=0,5"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sweep.fast_period"), std::string::npos) << r.err;
  r = run_meridiand(dir_, args("csv:" + file, {"--sweep", "fast_period=1:100", "--sweep", "slow_period=2:1000"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the limit is 10000"), std::string::npos) << r.err;
  r = run_meridiand(dir_, args("csv:" + file, {"--sweep", "fast_period=2,3", "--rank", "luck"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rank"), std::string::npos) << r.err;
  r = run_meridiand(dir_, args("csv:" + file, {"--walk-forward", "3"}));  // no --sweep
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--sweep"), std::string::npos) << r.err;
}

TEST_F(BacktestCli, ReadsStoredBarsAndWritesNothing) {
  MERIDIAN_E2E_REQUIRE_DATABASE();
  TestDatabase db;
  const auto file = csv(1440);
  auto import =
      run_meridiand(dir_, {"data", "import", "--csv", file, "--symbol", "BTC-USD", "--database-url", db.url()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  const auto csv_run = run_meridiand(dir_, args("csv:" + file, {"--json", "-"}));
  ASSERT_EQ(csv_run.exit_code, 0) << csv_run.err;

  // Every table's row count, before and after: a backtest only reads.
  auto counts = [&] {
    std::string all;
    for (const auto& row : db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                    "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")) {
      const auto name = row[0].as<std::string>();
      all += name + "=" + db.query("SELECT count(*) FROM " + name)[0][0].as<std::string>() + " ";
    }
    return all;
  };
  const auto before = counts();
  auto run = run_meridiand(dir_, args("db", {"--json", "-", "--database-url", db.url()}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(counts(), before);
  // The stored bars are the CSV's: the same trades.
  EXPECT_EQ(nlohmann::json::parse(run.out)["trades"], nlohmann::json::parse(csv_run.out)["trades"]);
}

}  // namespace
}  // namespace meridian::e2e
