#pragma once
// SuperTrend flip (seed 001 strategy 6): buy when the SuperTrend direction flips to up (the
// close broke above the upper band), sell when it flips to down.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/indicators/supertrend.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct SuperTrendFlipParams {
  int atr_period = 10;
  double factor = 3.0;
  bool operator==(const SuperTrendFlipParams&) const = default;
};

class SuperTrendFlip final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "supertrend_flip";
  static constexpr std::array<ParamSpec, 2> kSchema{{
      {"atr_period", ParamKind::integer, 10, 1, 1000, "bars in the ATR"},
      {"factor", ParamKind::number, 3.0, 0.1, 50.0, "band distance from the bar's midpoint, in ATRs"},
  }};
  // Every rule is per parameter (the schema ranges): nothing to check across them.
  static std::optional<std::string> validate(const ParamValues&) { return std::nullopt; }

  // Throws std::invalid_argument unless atr_period >= 1 and factor > 0.
  SuperTrendFlip(SuperTrendFlipParams params, std::size_t symbol_count);
  SuperTrendFlip(const ParamValues& values, std::size_t symbol_count)
      : SuperTrendFlip(SuperTrendFlipParams{values.integer(0), values.number(1)}, symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The first direction is a baseline (SuperTrend starts down); a flip needs the bar after it.
  std::size_t warmup() const noexcept override { return static_cast<std::size_t>(params_.atr_period) + 2; }
  void reset() noexcept override;
  const SuperTrendFlipParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    indicators::SuperTrend supertrend;
    int direction;  // at the previous bar: +1 up, -1 down, 0 before the first ready bar
  };

  SuperTrendFlipParams params_;
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
