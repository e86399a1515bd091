#pragma once
// MACD crossover (seed 001 strategy 3): buy when the MACD line crosses above its signal line,
// sell when it crosses below.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/indicators/macd.hpp"
#include "meridian/strategies/cross.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct MacdCrossoverParams {
  int fast_period = 12;
  int slow_period = 26;
  int signal_period = 9;
  bool operator==(const MacdCrossoverParams&) const = default;
};

class MacdCrossover final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "macd_crossover";
  static constexpr std::array<ParamSpec, 3> kSchema{{
      {"fast_period", ParamKind::integer, 12, 1, 1000, "bars in the fast EMA"},
      {"slow_period", ParamKind::integer, 26, 2, 1000, "bars in the slow EMA"},
      {"signal_period", ParamKind::integer, 9, 1, 1000, "bars in the signal-line EMA of the MACD line"},
  }};
  static std::optional<std::string> validate(const ParamValues& v);

  // Throws std::invalid_argument unless 1 <= fast < slow and signal >= 1.
  MacdCrossover(MacdCrossoverParams params, std::size_t symbol_count);
  MacdCrossover(const ParamValues& values, std::size_t symbol_count)
      : MacdCrossover(MacdCrossoverParams{values.integer(0), values.integer(1), values.integer(2)}, symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The first MACD/signal pair is a baseline; a cross needs the bar after it.
  std::size_t warmup() const noexcept override {
    return static_cast<std::size_t>(params_.slow_period + params_.signal_period);
  }
  void reset() noexcept override;
  const MacdCrossoverParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    indicators::Macd macd;
    CrossDetector cross;        // MACD line against the signal line
    double previous_histogram;  // for the swing of the histogram through zero
  };

  MacdCrossoverParams params_;
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
