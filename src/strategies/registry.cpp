#include "meridian/strategies/registry.hpp"

#include <array>

#include "meridian/strategies/bollinger_reversion.hpp"
#include "meridian/strategies/macd_crossover.hpp"
#include "meridian/strategies/rsi_mean_reversion.hpp"
#include "meridian/strategies/sma_crossover.hpp"
#include "meridian/strategies/stoch_rsi_cross.hpp"
#include "meridian/strategies/supertrend_flip.hpp"
#include "meridian/strategies/vwap_volume.hpp"

namespace meridian::strategies {

namespace {
template <class T>
std::unique_ptr<Strategy> make(const ParamValues& values, std::size_t symbols) {
  return std::make_unique<T>(values, symbols);
}

const std::array kClasses{
    StrategyClass{SmaCrossover::kClassName, "SMA crossover",
                  "Buys when the fast SMA crosses above the slow SMA (golden cross), sells on the death cross.",
                  SmaCrossover::kSchema, core::Timeframe::m1, &SmaCrossover::validate, &make<SmaCrossover>},
    StrategyClass{RsiMeanReversion::kClassName, "RSI mean reversion",
                  "Buys when the RSI crosses up through the oversold level, sells when it crosses down through the "
                  "overbought level.",
                  RsiMeanReversion::kSchema, core::Timeframe::m1, &RsiMeanReversion::validate, &make<RsiMeanReversion>},
    StrategyClass{MacdCrossover::kClassName, "MACD crossover",
                  "Buys when the MACD line crosses above its signal line, sells when it crosses below.",
                  MacdCrossover::kSchema, core::Timeframe::m1, &MacdCrossover::validate, &make<MacdCrossover>},
    StrategyClass{BollingerReversion::kClassName, "Bollinger reversion",
                  "Buys when the close comes back inside the bands after closing below the lower band, sells when "
                  "it comes back after closing above the upper band.",
                  BollingerReversion::kSchema, core::Timeframe::m1, &BollingerReversion::validate,
                  &make<BollingerReversion>},
    StrategyClass{VwapVolume::kClassName, "VWAP with volume",
                  "Buys when the close crosses above the day's VWAP on above-average volume, sells when it crosses "
                  "below on above-average volume.",
                  VwapVolume::kSchema, core::Timeframe::m1, &VwapVolume::validate, &make<VwapVolume>},
    StrategyClass{SuperTrendFlip::kClassName, "SuperTrend flip",
                  "Buys when the SuperTrend direction flips up, sells when it flips down.", SuperTrendFlip::kSchema,
                  core::Timeframe::m1, &SuperTrendFlip::validate, &make<SuperTrendFlip>},
    StrategyClass{StochRsiCross::kClassName, "Stochastic RSI cross",
                  "Buys when %K crosses above %D in the oversold zone with the RSI below its midline, sells when "
                  "it crosses below %D in the overbought zone with the RSI above it.",
                  StochRsiCross::kSchema, core::Timeframe::m1, &StochRsiCross::validate, &make<StochRsiCross>},
};
}  // namespace

std::span<const StrategyClass> strategy_classes() noexcept {
  return kClasses;
}

const StrategyClass* find_strategy_class(std::string_view name) noexcept {
  for (const auto& c : kClasses)
    if (c.name == name) return &c;
  return nullptr;
}

std::optional<std::string> validate_params(const StrategyClass& cls, const ParamValues& values) {
  for (std::size_t i = 0; i < cls.params.size(); ++i)
    if (auto err = check_param(cls.params[i], values.number(i))) return err;
  return cls.validate ? cls.validate(values) : std::nullopt;
}

std::string_view canonical_class_name(std::string_view name) noexcept {
  const auto* cls = find_strategy_class(name);
  return cls ? cls->name : std::string_view("manual");
}

}  // namespace meridian::strategies
