#pragma once
// Bollinger reversion (seed 001 strategy 4): buy when a close back inside the bands follows a
// close below the lower band (the stretch is over, price should revert to the middle); sell
// when a close back inside follows a close above the upper band.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/indicators/bollinger.hpp"
#include "meridian/strategies/cross.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct BollingerReversionParams {
  int period = 20;
  double stddev_multiplier = 2.0;
  bool operator==(const BollingerReversionParams&) const = default;
};

class BollingerReversion final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "bollinger_reversion";
  static constexpr std::array<ParamSpec, 2> kSchema{{
      {"period", ParamKind::integer, 20, 2, 1000, "bars in the middle band (SMA) and the standard deviation"},
      {"stddev_multiplier", ParamKind::number, 2.0, 0.1, 10.0, "band distance from the middle, in standard deviations"},
  }};
  // Every rule is per parameter (the schema ranges): nothing to check across them.
  static std::optional<std::string> validate(const ParamValues&) { return std::nullopt; }

  // Throws std::invalid_argument unless period >= 2 and stddev_multiplier > 0.
  BollingerReversion(BollingerReversionParams params, std::size_t symbol_count);
  BollingerReversion(const ParamValues& values, std::size_t symbol_count)
      : BollingerReversion(BollingerReversionParams{values.integer(0), values.number(1)}, symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The first bands are a baseline (where the close was); a re-entry needs the bar after it.
  std::size_t warmup() const noexcept override { return static_cast<std::size_t>(params_.period) + 1; }
  void reset() noexcept override;
  const BollingerReversionParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    indicators::BollingerBands bands;
    CrossDetector lower;  // close against the lower band
    CrossDetector upper;  // close against the upper band
  };

  BollingerReversionParams params_;
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
