#pragma once
// SMA crossover (seed 001 strategy 1): buy on a golden cross of the fast SMA above the
// slow one, sell on a death cross.
#include <vector>

#include <array>
#include <optional>
#include <string>

#include "meridian/indicators/sma.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct SmaCrossoverParams {
  int fast_period = 20;
  int slow_period = 50;
  bool operator==(const SmaCrossoverParams&) const = default;
};

class SmaCrossover final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "sma_crossover";
  static constexpr std::array<ParamSpec, 2> kSchema{{
      {"fast_period", ParamKind::integer, 20, 1, 1000, "bars in the fast SMA"},
      {"slow_period", ParamKind::integer, 50, 2, 1000, "bars in the slow SMA"},
  }};
  static std::optional<std::string> validate(const ParamValues& v);

  // Throws std::invalid_argument unless 1 <= fast < slow.
  SmaCrossover(SmaCrossoverParams params, std::size_t symbol_count);
  SmaCrossover(const ParamValues& values, std::size_t symbol_count)
      : SmaCrossover(SmaCrossoverParams{values.integer(0), values.integer(1)}, symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  std::size_t warmup() const noexcept override { return static_cast<std::size_t>(params_.slow_period); }
  void reset() noexcept override;
  const SmaCrossoverParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    indicators::Sma fast;
    indicators::Sma slow;
    int last_sign = 0;  // sign of fast - slow at the previous ready bar; 0 before that
  };
  SmaCrossoverParams params_;
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
