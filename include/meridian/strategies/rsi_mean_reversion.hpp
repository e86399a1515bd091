#pragma once
// RSI mean reversion (seed 001 strategy 2): buy when the RSI crosses up through the oversold
// level (the selling is exhausted), sell when it crosses down through the overbought level.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/strategies/cross.hpp"
#include "meridian/strategies/indicator_pool.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct RsiMeanReversionParams {
  int rsi_period = 14;
  double oversold = 30.0;
  double overbought = 70.0;
  bool operator==(const RsiMeanReversionParams&) const = default;
};

class RsiMeanReversion final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "rsi_mean_reversion";
  static constexpr std::array<ParamSpec, 3> kSchema{{
      {"rsi_period", ParamKind::integer, 14, 2, 1000, "bars in the RSI"},
      {"oversold", ParamKind::number, 30, 1, 99, "RSI level that a buy crosses up through"},
      {"overbought", ParamKind::number, 70, 1, 99, "RSI level that a sell crosses down through"},
  }};
  static std::optional<std::string> validate(const ParamValues& v);

  // Throws std::invalid_argument unless rsi_period >= 2 and 0 < oversold < overbought < 100.
  // With its own RSI per symbol (its owner may switch it to a shared one: shared_rsi()):
  RsiMeanReversion(RsiMeanReversionParams params, std::size_t symbol_count);
  RsiMeanReversion(const ParamValues& values, std::size_t symbol_count)
      : RsiMeanReversion(from_values(values), symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The first RSI value is a baseline; a cross needs the bar after it.
  std::size_t warmup() const noexcept override { return static_cast<std::size_t>(params_.rsi_period) + 2; }
  void reset() noexcept override;
  RsiSource* shared_rsi() noexcept override { return &rsi_; }
  const RsiMeanReversionParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    CrossDetector oversold;    // RSI against the oversold level
    CrossDetector overbought;  // RSI against the overbought level
    // The most extreme RSI of the current excursion beyond a level (the level itself when
    // there is none): how deep the market went sets the strength of the reversal.
    double trough;
    double peak;
  };
  static RsiMeanReversionParams from_values(const ParamValues& v) noexcept {
    return {v.integer(0), v.number(1), v.number(2)};
  }
  // Throws std::invalid_argument for parameters the class rejects; returns them.
  static const RsiMeanReversionParams& checked(const RsiMeanReversionParams& params);
  void init_state();

  RsiMeanReversionParams params_;
  RsiSource rsi_;  // one per symbol, indexed like state_
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
