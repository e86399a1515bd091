// Bars in and out of the built daemon: `meridiand data import` then `data export` on a fresh
// database (exact decimals back, a re-import adds nothing, 1h rolled up from 1m, exit codes for
// bad names and a dead database), and `serve --feed csv` replaying a file flat out until the 1m
// history shows exactly the file's bars and the engine status counts the feed's ticks and bad rows.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

constexpr long long kT0Ms = 1704067200000;  // 2024-01-01T00:00:00Z

// A bar in hundredths (cents) of a unit, so expected decimal text is easy to write exactly.
struct CentsBar {
  long long ts_ms;
  long long open, high, low, close, volume;
};

// Canonical fixed-point text, as core::Fixed::to_string writes it: no trailing zeros.
std::string decimal(long long cents) {
  std::string s = std::to_string(cents / 100);
  const long long frac = cents % 100;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, frac % 10 == 0 ? ".%lld" : ".%02lld", frac % 10 == 0 ? frac / 10 : frac);
    s += buf;
  }
  return s;
}
// Binance writes eight decimals.
std::string decimal8(long long cents) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%02lld000000", cents / 100, cents % 100);
  return buf;
}

std::vector<CentsBar> make_bars(std::size_t n) {
  std::vector<CentsBar> out;
  long long price = 4'200'000;  // 42000.00
  for (std::size_t i = 0; i < n; ++i) {
    const long long move = static_cast<long long>((i * 7919) % 41) - 20;
    const long long open = price, close = price + move;
    out.push_back({kT0Ms + static_cast<long long>(i) * 60'000, open, std::max(open, close) + 7 + (long long)(i % 5),
                   std::min(open, close) - 3 - (long long)(i % 3), close, 1 + static_cast<long long>(i % 17) * 13});
    price = close;
  }
  return out;
}

std::string binance_csv(const std::vector<CentsBar>& bars) {
  std::string out;
  for (const auto& b : bars)
    out += std::to_string(b.ts_ms) + "," + decimal8(b.open) + "," + decimal8(b.high) + "," + decimal8(b.low) + "," +
           decimal8(b.close) + "," + decimal8(b.volume) + "," + std::to_string(b.ts_ms + 59'999) + ",0,10,0,0,0\n";
  return out;
}

std::string generic_export(const std::vector<CentsBar>& bars) {
  std::string out = "ts,open,high,low,close,volume\n";
  for (const auto& b : bars)
    out += std::to_string(b.ts_ms) + "," + decimal(b.open) + "," + decimal(b.high) + "," + decimal(b.low) + "," +
           decimal(b.close) + "," + decimal(b.volume) + "\n";
  return out;
}

std::vector<CentsBar> roll_up(const std::vector<CentsBar>& bars, long long period_ms) {
  std::vector<CentsBar> out;
  for (const auto& b : bars) {
    const long long bucket = b.ts_ms - b.ts_ms % period_ms;
    if (out.empty() || out.back().ts_ms != bucket) {
      out.push_back(b);
      out.back().ts_ms = bucket;
      continue;
    }
    auto& r = out.back();
    r.high = std::max(r.high, b.high);
    r.low = std::min(r.low, b.low);
    r.close = b.close;
    r.volume += b.volume;
  }
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class MarketDataCli : public ::testing::Test {
 protected:
  void SetUp() override {
    MERIDIAN_E2E_REQUIRE_DATABASE();
    db_ = std::make_unique<TestDatabase>();
  }
  std::unique_ptr<TestDatabase> db_;
  TempDir dir_{"meridian-data-"};
};

TEST_F(MarketDataCli, ImportThenExportGivesTheBarsBackExactly) {
  const auto bars = make_bars(180);  // 00:00 .. 02:59
  auto csv = binance_csv(bars);
  csv.insert(csv.find('\n', 1000) + 1, "1704067200000,truncated\n");  // a line cut short
  csv += binance_csv({bars.back()});                                  // a duplicate
  const auto input = dir_.path() / "btc.csv";
  write_file(input, csv);

  const std::vector<std::string> import{"data",     "import",  "--csv",          input.string(),
                                        "--symbol", "btc-usd", "--database-url", db_->url()};
  auto first = run_meridiand(dir_, import);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("rows read: 182"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("imported: 180 (new 180, updated 0, unchanged 0)"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("skipped: 2 (malformed 1, duplicate_time 1)"), std::string::npos) << first.out;

  auto again = run_meridiand(dir_, import);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("imported: 180 (new 0, updated 0, unchanged 180)"), std::string::npos) << again.out;
  EXPECT_EQ(db_->query("SELECT count(*) FROM market_data")[0][0].as<long long>(), 180);

  const auto output = dir_.path() / "out.csv";
  auto minutes = run_meridiand(dir_, {"data", "export", "--symbol", "BTC-USD", "--timeframe", "1m", "--output",
                                      output.string(), "--database-url", db_->url()});
  ASSERT_EQ(minutes.exit_code, 0) << minutes.err;
  EXPECT_EQ(read_file(output), generic_export(bars));

  // 1h was never stored: rolled up from the minutes; stdout by default, logs on stderr.
  auto hourly =
      run_meridiand(dir_, {"data", "export", "--symbol", "BTC-USD", "--timeframe", "1h", "--database-url", db_->url()});
  ASSERT_EQ(hourly.exit_code, 0) << hourly.err;
  EXPECT_EQ(hourly.out, generic_export(roll_up(bars, 3'600'000)));

  auto ranged = run_meridiand(
      dir_, {"data", "export", "--symbol", "BTC-USD", "--timeframe", "15m", "--start", "2024-01-01T00:30:00Z", "--end",
             std::to_string(kT0Ms + 3'600'000), "--database-url", db_->url()});
  ASSERT_EQ(ranged.exit_code, 0) << ranged.err;
  const auto quarters = roll_up(bars, 900'000);
  EXPECT_EQ(ranged.out, generic_export({quarters[2], quarters[3]}));

  // The exported file imports as a generic CSV to the same rows (nothing new, nothing changed).
  auto reimport = run_meridiand(
      dir_, {"data", "import", "--csv", output.string(), "--symbol", "BTC-USD", "--database-url", db_->url()});
  ASSERT_EQ(reimport.exit_code, 0) << reimport.err;
  EXPECT_NE(reimport.out.find("(generic format)"), std::string::npos) << reimport.out;
  EXPECT_NE(reimport.out.find("unchanged 180"), std::string::npos) << reimport.out;
}

TEST_F(MarketDataCli, BadNamesExitTwoAndADeadDatabaseExitsOne) {
  const auto input = dir_.path() / "bars.csv";
  write_file(input, generic_export(make_bars(3)));
  const auto url = db_->url();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"data", "import", "--csv", input.string(), "--symbol", "DOGE-USD", "--database-url", url},
           {"data", "import", "--csv", input.string(), "--symbol", "BTC-USD", "--timeframe", "2m", "--database-url",
            url},
           {"data", "import", "--csv", input.string(), "--symbol", "BTC-USD"},  // no database URL
           {"data", "import", "--csv", (dir_.path() / "missing.csv").string(), "--symbol", "BTC-USD", "--database-url",
            url},
           {"data", "export", "--symbol", "DOGE-USD", "--timeframe", "1h", "--database-url", url},
           {"data", "export", "--symbol", "BTC-USD", "--timeframe", "1w", "--database-url", url},
           {"data", "export", "--symbol", "BTC-USD", "--start", "yesterday", "--database-url", url}}) {
    auto r = run_meridiand(dir_, args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args[5] << ": " << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  const std::string dead = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2";
  auto import =
      run_meridiand(dir_, {"data", "import", "--csv", input.string(), "--symbol", "BTC-USD", "--database-url", dead});
  EXPECT_EQ(import.exit_code, 1) << import.err;
  auto exported = run_meridiand(dir_, {"data", "export", "--symbol", "BTC-USD", "--database-url", dead});
  EXPECT_EQ(exported.exit_code, 1) << exported.err;
  EXPECT_TRUE(exported.out.empty()) << "no partial CSV on stdout after a database error";
}

class CsvReplay : public DaemonTest {};

TEST_F(CsvReplay, FlatOutReplayShowsExactlyTheFileBarsInHistory) {
  TempDir dir("meridian-replay-");
  const auto bars = make_bars(40);
  // Generic with a header, times in seconds, and one row whose high is below its low.
  std::string csv = "ts,open,high,low,close,volume\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    csv += std::to_string(b.ts_ms / 1000) + "," + decimal(b.open) + "," + decimal(b.high) + "," + decimal(b.low) + "," +
           decimal(b.close) + "," + decimal(b.volume) + "\n";
    if (i == 10) csv += std::to_string(b.ts_ms / 1000 + 30) + ",5,4,6,5,1\n";
  }
  const auto file = dir.path() / "eth.csv";
  write_file(file, csv);

  DaemonOptions options;
  options.extra_args = {"--feed", "csv", "--replay-file", "ETH-USD=" + file.string(), "--replay-speed", "0"};
  auto& d = start_daemon(options);

  nlohmann::json feed;
  ASSERT_TRUE(poll_until(
      [&] {
        auto status = http_get(d.port(), "/api/engine/status").json();
        if (!status.is_object() || !status.contains("feeds") || status["feeds"].empty()) return false;
        feed = status["feeds"][0];
        return feed["ticks"] == 4 * bars.size();
      },
      kDeadline))
      << feed.dump();
  EXPECT_EQ(feed["name"], "csv");
  EXPECT_EQ(feed["connected"], true);
  EXPECT_EQ(feed["errors"], 0);
  EXPECT_EQ(feed["bad_rows"], 1);
  EXPECT_EQ(get_json(d.port(), "/health")["checks"]["feed"]["name"], "csv");

  // Closed bars then the forming one (the file's last bar: no later tick closes it).
  const auto history = get_json(d.port(), "/api/market/history/ETH-USD?timeframe=1m&limit=5000");
  const auto& items = history["items"];
  ASSERT_EQ(items.size(), bars.size()) << history.dump();
  for (std::size_t i = 0; i < bars.size(); ++i) {
    SCOPED_TRACE("bar " + std::to_string(i));
    const auto& b = bars[i];
    EXPECT_EQ(items[i]["ts"], b.ts_ms);
    EXPECT_EQ(items[i]["open"].get<double>(), std::strtod(decimal(b.open).c_str(), nullptr));
    EXPECT_EQ(items[i]["high"].get<double>(), std::strtod(decimal(b.high).c_str(), nullptr));
    EXPECT_EQ(items[i]["low"].get<double>(), std::strtod(decimal(b.low).c_str(), nullptr));
    EXPECT_EQ(items[i]["close"].get<double>(), std::strtod(decimal(b.close).c_str(), nullptr));
    EXPECT_EQ(items[i]["volume"].get<double>(), std::strtod(decimal(b.volume).c_str(), nullptr));
  }
}

TEST_F(CsvReplay, AnUnusableReplayOptionStopsStartUpWithExitTwo) {
  TempDir dir("meridian-replay-");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--feed", "csv"},                                                                  // no file
           {"--feed", "csv", "--replay-file", "DOGE-USD=" + (dir.path() / "x.csv").string()},  // unknown symbol
           {"--feed", "csv", "--replay-file", "ETH-USD=" + (dir.path() / "missing.csv").string()},
           {"--replay-file", "ETH-USD=" + (dir.path() / "x.csv").string()}}) {  // a file without --feed csv
    auto r = run_meridiand(dir, [&] {
      std::vector<std::string> argv{"serve", "--port", "0", "--database-url", db().url()};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    }());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  }
}

}  // namespace
}  // namespace meridian::e2e
