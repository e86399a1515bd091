// Config reload (app/reload.hpp): which differing keys apply live and which need a restart, and
// the JSON log line (app/logging.hpp).
#include "meridian/app/reload.hpp"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <nlohmann/json.hpp>

#include "meridian/app/logging.hpp"

namespace meridian::app {
namespace {

using Keys = std::vector<std::string>;

TEST(ConfigDiff, TheSameConfigurationDiffersInNothing) {
  const auto d = diff_config(Config{}, Config{});
  EXPECT_TRUE(d.live.empty());
  EXPECT_TRUE(d.restart.empty());
}

TEST(ConfigDiff, RiskLimitsLogLevelAndCalendarDatesApplyLive) {
  Config after;
  after.max_order_notional = 5000;
  after.max_drawdown = 0.2;
  after.log_level = "debug";
  after.holidays = {"nyse=2026-12-28"};
  after.early_closes = {"nyse=2026-12-31T13:00"};
  const auto d = diff_config(Config{}, after);
  EXPECT_EQ(d.live, (Keys{"max-order-notional", "max-drawdown", "early-close", "holiday", "log-level"}));
  EXPECT_TRUE(d.restart.empty());
}

TEST(ConfigDiff, ListenerDatabaseThreadsAndFeedNeedARestart) {
  Config after;
  after.port = 9999;
  after.database_url = "postgresql://x@localhost/y";
  after.threads = 3;
  after.feed = "csv";
  after.venues = {"lse=Europe/London,08:00-16:30"};
  after.price_band = 0.2;
  const auto d = diff_config(Config{}, after);
  EXPECT_EQ(d.restart, (Keys{"port", "threads", "database-url", "feed", "venue"}));
  EXPECT_EQ(d.live, (Keys{"price-band"}));
}

TEST(ConfigDiff, TheReconcileIntervalNeedsARestart) {
  Config after;
  after.reconcile_interval_s = 30;
  const auto d = diff_config(Config{}, after);
  EXPECT_EQ(d.restart, (Keys{"reconcile-interval"}));
  EXPECT_TRUE(d.live.empty());
}

TEST(ConfigDiff, AlertWebhookPolicyAppliesLiveAndTheReplayRingNeedsARestart) {
  Config after;
  after.alert_webhook_timeout_ms = 2'000;
  after.alert_webhook_attempts = 2;
  after.alert_webhook_backoff_ms = 50;
  after.ws_replay = 64;
  const auto d = diff_config(Config{}, after);
  EXPECT_EQ(d.live, (Keys{"alert-webhook-timeout-ms", "alert-webhook-attempts", "alert-webhook-backoff-ms"}));
  EXPECT_EQ(d.restart, (Keys{"ws-replay"}));
}

TEST(ConfigDiff, DecisionSentimentWeightNeedsARestart) {
  Config after;
  after.decision_sentiment_weight = 0.5;
  const auto d = diff_config(Config{}, after);
  EXPECT_TRUE(d.live.empty());
  EXPECT_EQ(d.restart, (Keys{"decision-sentiment-weight"}));
}

TEST(JsonLogFormat, OneObjectPerLineWithTimeLevelLoggerAndMessage) {
  JsonLogFormatter f;
  const std::string text = "quote \" and\nnewline";
  spdlog::details::log_msg msg("engine", spdlog::level::warn, text);
  spdlog::memory_buf_t out;
  f.format(msg, out);
  const std::string line(out.data(), out.size());
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line, whatever the message holds
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["logger"], "engine");
  EXPECT_EQ(j["msg"], text);
  EXPECT_TRUE(j["ts"].get<std::string>().ends_with("Z"));
}

}  // namespace
}  // namespace meridian::app
