#pragma once
// Stochastic RSI cross (seed 001 strategy 7): buy when %K crosses above %D with both below the
// oversold level and the RSI below its midline; sell when %K crosses below %D with both above
// the overbought level and the RSI above its midline.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/indicators/stoch_rsi.hpp"
#include "meridian/strategies/cross.hpp"
#include "meridian/strategies/indicator_pool.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct StochRsiCrossParams {
  int rsi_period = 14;
  int stoch_period = 14;
  int k_period = 3;
  int d_period = 3;
  double oversold = 20.0;
  double overbought = 80.0;
  double rsi_midline = 50.0;
  bool operator==(const StochRsiCrossParams&) const = default;
};

class StochRsiCross final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "stoch_rsi_cross";
  static constexpr std::array<ParamSpec, 7> kSchema{{
      {"rsi_period", ParamKind::integer, 14, 2, 1000, "bars in the RSI"},
      {"stoch_period", ParamKind::integer, 14, 1, 1000, "RSI values in the stochastic's min/max window"},
      {"k_period", ParamKind::integer, 3, 1, 1000, "bars in the SMA that smooths the stochastic into %K"},
      {"d_period", ParamKind::integer, 3, 1, 1000, "bars in the SMA of %K that gives %D"},
      {"oversold", ParamKind::number, 20, 1, 99, "%K and %D must both be below this for a buy"},
      {"overbought", ParamKind::number, 80, 1, 99, "%K and %D must both be above this for a sell"},
      {"rsi_midline", ParamKind::number, 50, 1, 99, "a buy needs the RSI below it, a sell above it"},
  }};
  static std::optional<std::string> validate(const ParamValues& v);

  // Throws std::invalid_argument unless the periods are valid (rsi_period >= 2, the others
  // >= 1), 0 < oversold < overbought < 100 and 0 < rsi_midline < 100.
  // With its own RSI per symbol (its owner may switch it to a shared one: shared_rsi()):
  StochRsiCross(StochRsiCrossParams params, std::size_t symbol_count);
  StochRsiCross(const ParamValues& values, std::size_t symbol_count)
      : StochRsiCross(from_values(values), symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The first %K/%D pair is a baseline; a cross needs the bar after it.
  std::size_t warmup() const noexcept override {
    return static_cast<std::size_t>(params_.rsi_period + params_.stoch_period + params_.k_period + params_.d_period -
                                    1);
  }
  void reset() noexcept override;
  RsiSource* shared_rsi() noexcept override { return &rsi_; }
  const StochRsiCrossParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    indicators::SeriesStochastic stoch;  // of the RSI: with rsi_, the Stochastic RSI
    CrossDetector cross;                 // %K against %D
  };
  static StochRsiCrossParams from_values(const ParamValues& v) noexcept {
    return {v.integer(0), v.integer(1), v.integer(2), v.integer(3), v.number(4), v.number(5), v.number(6)};
  }
  // Throws std::invalid_argument for parameters the class rejects; returns them.
  static const StochRsiCrossParams& checked(const StochRsiCrossParams& params);
  void init_state();

  StochRsiCrossParams params_;
  RsiSource rsi_;  // one per symbol, indexed like state_
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
