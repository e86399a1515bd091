// Properties every registered strategy class must have, checked through the registry so a
// class added later is covered without touching this file.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "meridian/strategies/params.hpp"
#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::strategies::ParamKind;
using meridian::strategies::ParamValues;
using meridian::strategies::strategy_classes;
using meridian::strategies::StrategyClass;
using namespace meridian::strategies::testing;

namespace {
std::unique_ptr<meridian::strategies::Strategy> make_default(const StrategyClass& cls, std::size_t symbols = 1) {
  return cls.create(ParamValues(cls.params), symbols);
}
}  // namespace

TEST(AllStrategies, TheSevenBuiltInsAreRegistered) {
  std::set<std::string_view> names;
  for (const auto& cls : strategy_classes()) names.insert(cls.name);
  EXPECT_EQ(names,
            (std::set<std::string_view>{"sma_crossover", "rsi_mean_reversion", "macd_crossover", "bollinger_reversion",
                                        "vwap_volume", "supertrend_flip", "stoch_rsi_cross"}));
  EXPECT_EQ(strategy_classes().size(), names.size());  // no duplicates
}

TEST(AllStrategies, ConstructibleFromSchemaDefaults) {
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    EXPECT_FALSE(cls.title.empty());
    EXPECT_FALSE(cls.description.empty());
    ASSERT_NE(cls.create, nullptr);
    ASSERT_LE(cls.params.size(), meridian::strategies::kMaxParams);
    const ParamValues defaults(cls.params);
    EXPECT_EQ(meridian::strategies::validate_params(cls, defaults), std::nullopt);
    for (const auto& spec : cls.params) {
      EXPECT_FALSE(spec.name.empty());
      EXPECT_FALSE(spec.description.empty());
      EXPECT_LE(spec.min, spec.default_value) << spec.name;
      EXPECT_LE(spec.default_value, spec.max) << spec.name;
    }
    const auto s = make_default(cls);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->class_name(), cls.name);
    EXPECT_GT(s->warmup(), 0u);
  }
}

TEST(AllStrategies, OutOfRangeParamsAreRejectedNamingTheParam) {
  for (const auto& cls : strategy_classes()) {
    for (std::size_t i = 0; i < cls.params.size(); ++i) {
      const auto& spec = cls.params[i];
      SCOPED_TRACE(std::string(cls.name) + "." + std::string(spec.name));
      for (double bad : {spec.min - 1.0, spec.max + 1.0, std::nan("")}) {
        ParamValues v(cls.params);
        v.set(i, bad);
        const auto err = meridian::strategies::validate_params(cls, v);
        ASSERT_TRUE(err) << bad;
        EXPECT_NE(err->find(spec.name), std::string::npos) << *err;
      }
      if (spec.kind == ParamKind::integer) {
        ParamValues v(cls.params);
        v.set(i, spec.default_value + 0.5);
        const auto err = meridian::strategies::validate_params(cls, v);
        ASSERT_TRUE(err);
        EXPECT_NE(err->find(spec.name), std::string::npos) << *err;
      }
    }
  }
}

TEST(AllStrategies, SilentOnFlatSeriesWithDefaults) {
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    const auto s = make_default(cls);
    expect_silent_on_flat_series(*s);
  }
}

TEST(AllStrategies, RandomWalkSignalsAreWellFormedAndNeverInWarmUp) {
  // A long seeded walk over several UTC days; every class must signal (so the checks are not
  // vacuous), every signal must be well formed (finite values, strength in [0, 1]) and none
  // may come before warmup() bars.
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    std::size_t signals = 0;
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      const auto bars = random_walk(seed, 5'000);
      const auto s = make_default(cls);
      const auto sigs = run(*s, bars);
      for (std::size_t i = 0; i < sigs.size(); ++i) {
        if (!sigs[i]) continue;
        ++signals;
        EXPECT_GE(i + 1, s->warmup()) << "seed " << seed << " bar " << i;
        expect_well_formed(*sigs[i], bars[i], cls.name);
      }
    }
    EXPECT_GT(signals, 5u);
  }
}

TEST(AllStrategies, SignalsAlternateWhereTheRuleImpliesIt) {
  // A cross of one line over another repeats a direction only after crossing back (or after
  // touching exactly, which a random walk does not do), and a SuperTrend flip always
  // alternates; the zone- and volume-filtered rules may repeat a side.
  const std::set<std::string_view> alternating{"sma_crossover", "macd_crossover", "supertrend_flip"};
  for (const auto& cls : strategy_classes()) {
    if (!alternating.contains(cls.name)) continue;
    SCOPED_TRACE(std::string(cls.name));
    const auto s = make_default(cls);
    std::optional<meridian::core::Side> last;
    for (const auto& sig : run(*s, random_walk(9, 5'000))) {
      if (!sig) continue;
      if (last) {
        EXPECT_NE(sig->side, *last);
      }
      last = sig->side;
    }
  }
}

TEST(AllStrategies, SymbolsAreIndependentOnRandomWalks) {
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    const auto sa = expect_symbols_independent([&cls](std::size_t n) { return cls.create(ParamValues(cls.params), n); },
                                               random_walk(4, 3'000), random_walk(5, 3'000, 0, 2'500.0));
    EXPECT_FALSE(signal_bars(sa).empty());
  }
}

TEST(AllStrategies, ResetMakesAnInstanceFresh) {
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    const auto bars = random_walk(6, 2'000);
    const auto used = make_default(cls);
    run(*used, random_walk(7, 1'000));
    used->reset();
    const auto fresh = make_default(cls);
    EXPECT_EQ(signal_bars(run(*used, bars)), signal_bars(run(*fresh, bars)));
  }
}

TEST(AllStrategies, UnknownSymbolIsIgnored) {
  for (const auto& cls : strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    const auto s = make_default(cls, 2);
    for (const auto& b : with_symbol(random_walk(8, 500), 2)) EXPECT_FALSE(s->on_bar(b));
  }
}
