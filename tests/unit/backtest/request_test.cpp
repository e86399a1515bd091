// What a backtest request may ask, and the errors that name the field at fault; the bars of the
// simulator and CSV sources, and the range and no-data refusals (no database here).
#include "meridian/backtest/request.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine_rig.hpp"
#include "meridian/backtest/data.hpp"

namespace meridian::backtest {
namespace {

using engine::test::instruments;
using nlohmann::json;

json valid() {
  return json{{"strategy", {{"class", "rsi_mean_reversion"}}},
              {"symbols", {"AAA"}},
              {"from", "2026-04-01T00:00:00Z"},
              {"to", "2026-04-02T00:00:00Z"},
              {"data", "sim:7"}};
}

std::string error_field(const json& j) {
  auto r = decode_request(j, instruments());
  return r ? std::string("(accepted)") : r.error().field;
}

TEST(BacktestRequest, DecodesAValidRequest) {
  auto j = valid();
  j["initial_capital"] = 50'000;
  j["fee_bps"] = 5;
  j["slippage_bps"] = 0;
  j["symbols"] = {"AAA", "BBB", "AAA"};
  auto r = decode_request(j, instruments());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->spec.strategy.class_name, "rsi_mean_reversion");
  EXPECT_EQ(r->spec.symbols, (std::vector<core::SymbolId>{0, 1}));
  EXPECT_EQ(r->spec.initial_capital, core::Money::from_units(50'000));
  EXPECT_EQ(r->spec.paper.fees.taker_bps, 5.0);
  EXPECT_EQ(r->spec.paper.fees.maker_bps, 5.0);
  EXPECT_EQ(r->spec.paper.slippage_bps, 0.0);
  EXPECT_EQ(r->data.kind, DataSource::Kind::sim);
  EXPECT_EQ(r->data.seed, 7u);
  EXPECT_EQ(r->spec.to - r->spec.from, std::chrono::hours(24));
}

TEST(BacktestRequest, NamesTheFieldAtFault) {
  auto j = valid();
  j["strategy"]["class"] = "astrology";
  EXPECT_EQ(error_field(j), "strategy.class");
  j = valid();
  j["strategy"]["no_such_param"] = 3;
  EXPECT_EQ(error_field(j), "strategy.no_such_param");
  j = valid();
  j["strategy"]["rsi_period"] = -4;
  EXPECT_EQ(error_field(j), "strategy.rsi_period");
  j = valid();
  j["symbols"] = {"ZZZ"};
  EXPECT_EQ(error_field(j), "symbols");
  j = valid();
  j["to"] = "2026-03-01T00:00:00Z";
  EXPECT_EQ(error_field(j), "to");
  j = valid();
  j["from"] = "yesterday";
  EXPECT_EQ(error_field(j), "from");
  j = valid();
  j["data"] = "ftp:x";
  EXPECT_EQ(error_field(j), "data");
  j = valid();
  j["fee_bps"] = -1;
  EXPECT_EQ(error_field(j), "fee_bps");
  j = valid();
  j["colour"] = "red";
  EXPECT_EQ(error_field(j), "colour");
  EXPECT_EQ(error_field(json::array()), "body");
}

TEST(BacktestRequest, ParsesDataSources) {
  EXPECT_EQ(parse_data_source("db")->kind, DataSource::Kind::db);
  EXPECT_EQ(parse_data_source("csv:/tmp/x.csv")->path, "/tmp/x.csv");
  EXPECT_EQ(parse_data_source("sim:42")->seed, 42u);
  EXPECT_FALSE(parse_data_source("sim:"));
  EXPECT_FALSE(parse_data_source("sim:4x"));
  EXPECT_FALSE(parse_data_source("csv:"));
  EXPECT_EQ(to_string(*parse_data_source("sim:42")), "sim:42");
}

TEST(BacktestData, TheSimulatorIsSeededAndCoversTheRange) {
  const auto table = instruments();
  auto r = decode_request(valid(), table);
  ASSERT_TRUE(r);
  auto a = load_data(*r, table, "");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->bars.series.size(), 1u);
  EXPECT_EQ(a->bars.series[0].size(), 24u * 60u);
  EXPECT_EQ(a->bars.series[0].front().open_time, r->spec.from);
  for (const auto& b : a->bars.series[0]) EXPECT_EQ(b.symbol, 0u);
  auto b = load_data(*r, table, "");
  ASSERT_TRUE(b);
  EXPECT_EQ(a->bars.series[0].back().close, b->bars.series[0].back().close);
  r->data.seed = 8;
  auto c = load_data(*r, table, "");
  ASSERT_TRUE(c);
  EXPECT_NE(a->bars.series[0].back().close, c->bars.series[0].back().close);
}

TEST(BacktestData, RefusesARangeBeyondTheLimitNamingIt) {
  const auto table = instruments();
  auto r = decode_request(valid(), table);
  ASSERT_TRUE(r);
  auto loaded = load_data(*r, table, "", 1000);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "too_large");
  EXPECT_EQ(loaded.error().field, "to");
  EXPECT_NE(loaded.error().message.find("1000"), std::string::npos);
}

TEST(BacktestData, ReadsACsvAndSaysWhichSymbolsHaveNoBars) {
  const auto table = instruments();
  const std::string path = ::testing::TempDir() + "backtest_request_test.csv";
  {
    std::ofstream out(path);
    out << "ts,open,high,low,close,volume\n";
    const auto t0 = core::epoch_ms(*core::parse_time("2026-04-01T00:00:00Z"));
    for (int k = 0; k < 10; ++k) out << t0 + k * 60'000 << ",100,101,99,100.5,10\n";
    out << "garbage\n";
  }
  auto j = valid();
  j["data"] = "csv:" + path;
  auto r = decode_request(j, table);
  ASSERT_TRUE(r);
  auto loaded = load_data(*r, table, "");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->bars.series[0].size(), 10u);
  EXPECT_EQ(loaded->bad_rows, 1u);

  j["from"] = "2026-05-01T00:00:00Z";
  j["to"] = "2026-05-02T00:00:00Z";
  r = decode_request(j, table);
  ASSERT_TRUE(r);
  loaded = load_data(*r, table, "");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "no_data");
  EXPECT_NE(loaded.error().message.find("AAA"), std::string::npos);

  j["symbols"] = {"AAA", "BBB"};
  r = decode_request(j, table);
  ASSERT_TRUE(r);
  EXPECT_EQ(load_data(*r, table, "").error().field, "data");
  j["data"] = "csv:/nonexistent/file.csv";
  j["symbols"] = {"AAA"};
  r = decode_request(j, table);
  ASSERT_TRUE(r);
  EXPECT_EQ(load_data(*r, table, "").error().field, "data");
  j["data"] = "db";
  r = decode_request(j, table);
  ASSERT_TRUE(r);
  EXPECT_EQ(load_data(*r, table, "").error().field, "data");  // no database URL
  std::remove(path.c_str());
}

}  // namespace
}  // namespace meridian::backtest
