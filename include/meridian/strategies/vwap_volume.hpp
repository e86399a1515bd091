#pragma once
// VWAP with volume confirmation (seed 001 strategy 5): buy when the close crosses above the
// session VWAP on a bar whose volume is above `volume_multiplier` times the average volume of
// the previous `volume_period` bars; sell on a cross below with the same volume rule.
// Sessions are UTC days.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/time.hpp"
#include "meridian/indicators/sma.hpp"
#include "meridian/indicators/vwap.hpp"
#include "meridian/strategies/cross.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct VwapVolumeParams {
  int volume_period = 20;
  double volume_multiplier = 1.5;
  bool operator==(const VwapVolumeParams&) const = default;
};

class VwapVolume final : public Strategy {
 public:
  static constexpr std::string_view kClassName = "vwap_volume";
  static constexpr std::array<ParamSpec, 2> kSchema{{
      {"volume_period", ParamKind::integer, 20, 1, 1000, "previous bars in the average volume"},
      {"volume_multiplier", ParamKind::number, 1.5, 0.1, 50.0,
       "bar volume must exceed this multiple of the average volume"},
  }};
  // Every rule is per parameter (the schema ranges): nothing to check across them.
  static std::optional<std::string> validate(const ParamValues&) { return std::nullopt; }

  // Throws std::invalid_argument unless volume_period >= 1 and volume_multiplier > 0.
  VwapVolume(VwapVolumeParams params, std::size_t symbol_count);
  VwapVolume(const ParamValues& values, std::size_t symbol_count)
      : VwapVolume(VwapVolumeParams{values.integer(0), values.number(1)}, symbol_count) {}

  std::string_view class_name() const noexcept override { return kClassName; }
  std::optional<Signal> on_bar(const BarView& view) override;
  // The volume average needs `volume_period` bars before the one it judges.
  std::size_t warmup() const noexcept override { return static_cast<std::size_t>(params_.volume_period) + 1; }
  void reset() noexcept override;
  const VwapVolumeParams& params() const noexcept { return params_; }

 private:
  struct PerSymbol {
    // Sessions are started here (manual mode) rather than by the VWAP's own UTC-day rule,
    // because a new session must also restart the cross: the first close of a session is
    // compared with a VWAP that is that bar's own typical price, not with yesterday's line.
    indicators::SessionVwap vwap;
    indicators::Sma volume;         // of bars before the current one: read before it is updated
    CrossDetector cross;            // close against the VWAP
    core::Timestamp session_end{};  // end of the current UTC day; a bar at or past it opens a session
    core::Timestamp session_start{};
  };

  VwapVolumeParams params_;
  std::vector<PerSymbol> state_;
};

}  // namespace meridian::strategies
