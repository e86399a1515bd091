// The one JSON mapping of the strategy configuration: round trip, partial updates over a
// base, errors that name the offending field, and the JSON value decoded as the text is.
#include "meridian/engine/strategy_params.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using meridian::engine::decode_strategy;
using meridian::engine::decode_strategy_text;
using meridian::engine::encode_strategy;
using meridian::engine::strategy_json;
using meridian::engine::StrategyConfig;

namespace {
StrategyConfig custom() {
  StrategyConfig c = StrategyConfig::sma_crossover(7, 30);
  c.position_fraction = 0.25;
  return c;
}

// Decodes `json` over the default config and expects it to fail on `field`.
void expect_error(const char* json, const char* field) {
  const auto out = decode_strategy_text(json, StrategyConfig{});
  ASSERT_FALSE(out) << json;
  EXPECT_EQ(out.error().field, field) << json;
  EXPECT_FALSE(out.error().message.empty()) << json;
}
}  // namespace

TEST(StrategyParams, EncodeDecodeRoundTrip) {
  for (const auto& config : {StrategyConfig{}, custom()}) {
    const auto json = encode_strategy(config);
    // Decode over a base that differs in every field, so nothing comes from the base.
    StrategyConfig base = StrategyConfig::sma_crossover(3, 4);
    base.position_fraction = 0.9;
    const auto back = decode_strategy_text(json, base);
    ASSERT_TRUE(back) << json << ": " << back.error().field << " " << back.error().message;
    EXPECT_EQ(*back, config) << json;
    const auto from_value = decode_strategy(strategy_json(config), base);
    ASSERT_TRUE(from_value) << json;
    EXPECT_EQ(*from_value, config) << json;
  }
}

TEST(StrategyParams, EncodeWritesTheDocumentedKeys) {
  const auto j = strategy_json(custom());
  EXPECT_EQ(nlohmann::json::parse(encode_strategy(custom())), j);
  EXPECT_EQ(j.at("class"), "sma_crossover");
  EXPECT_EQ(j.at("fast_period"), 7);
  EXPECT_EQ(j.at("slow_period"), 30);
  EXPECT_EQ(j.at("position_fraction"), 0.25);
  EXPECT_EQ(j.at("timeframe"), "1m");
}

TEST(StrategyParams, AbsentFieldsKeepTheBase) {
  auto out = decode_strategy_text(R"({"fast_period": 3})", custom());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->params.integer(0), 3);
  EXPECT_EQ(out->params.integer(1), 30);
  EXPECT_EQ(out->position_fraction, 0.25);
  out = decode_strategy_text("{}", custom());
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, custom());
  out = decode_strategy_text(R"({"class": "sma_crossover", "position_fraction": 1})", custom());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->position_fraction, 1.0);
}

TEST(StrategyParams, FastMustBeBelowSlow) {
  expect_error(R"({"fast_period": 50, "slow_period": 50})", "fast_period");
  expect_error(R"({"fast_period": 60, "slow_period": 50})", "fast_period");
  // Also when only one side is given and the base supplies the other (default slow 50).
  expect_error(R"({"fast_period": 50})", "fast_period");
  expect_error(R"({"slow_period": 20})", "fast_period");  // default fast is 20
}

TEST(StrategyParams, WrongTypesNameTheField) {
  expect_error(R"({"fast_period": "5"})", "fast_period");
  expect_error(R"({"fast_period": 5.5})", "fast_period");
  expect_error(R"({"slow_period": true})", "slow_period");
  expect_error(R"({"slow_period": null})", "slow_period");
  expect_error(R"({"position_fraction": "0.5"})", "position_fraction");
  expect_error(R"({"timeframe": 1})", "timeframe");
  expect_error(R"({"class": 5})", "class");
}

TEST(StrategyParams, OutOfRangeValuesNameTheField) {
  expect_error(R"({"fast_period": 0})", "fast_period");
  expect_error(R"({"fast_period": -3})", "fast_period");
  expect_error(R"({"slow_period": 1001})", "slow_period");
  expect_error(R"({"slow_period": 1})", "slow_period");
  expect_error(R"({"fast_period": 1, "slow_period": 99999999999999999999})", "slow_period");
  expect_error(R"({"position_fraction": 0})", "position_fraction");
  expect_error(R"({"position_fraction": -0.1})", "position_fraction");
  expect_error(R"({"position_fraction": 1.01})", "position_fraction");
  expect_error(R"({"timeframe": "5m"})", "timeframe");
}

TEST(StrategyParams, UnknownClassAndMalformedJson) {
  expect_error(R"({"class": "rsi_reversion"})", "class");
  expect_error(R"({"class": "SMA_CROSSOVER"})", "class");
  expect_error("not json", "strategy");
  expect_error("[1, 2]", "strategy");
  expect_error("42", "strategy");
  expect_error("", "strategy");
  expect_error(R"({"fast_period": 5)", "strategy");
}

// The API hands over the JSON value it parsed: the same answer and the same error as the text.
TEST(StrategyParams, ValueDecodesAsTheText) {
  for (const char* text : {R"({"fast_period": 3})", R"({"class": "rsi_mean_reversion"})", R"({"fast_period": 5.5})",
                           R"({"slow_period": 1001})", R"({"notional": 1e30, "sizing": "notional"})",
                           R"({"class": "nope"})", "[1, 2]", "42", "null"}) {
    const auto from_text = decode_strategy_text(text, custom());
    const auto from_value = decode_strategy(nlohmann::json::parse(text), custom());
    ASSERT_EQ(from_text.has_value(), from_value.has_value()) << text;
    if (from_text) {
      EXPECT_EQ(*from_value, *from_text) << text;
    } else {
      EXPECT_EQ(from_value.error().field, from_text.error().field) << text;
      EXPECT_EQ(from_value.error().message, from_text.error().message) << text;
      EXPECT_EQ(from_value.error().code, from_text.error().code) << text;
    }
  }
  EXPECT_EQ(decode_strategy(nlohmann::json(), custom()).error().field, "strategy");
}
