#pragma once
// Cross detection shared by the strategies. A cross is a change of the relation of `a` to `b`
// between two consecutive ready bars, from strictly below to strictly above (up) or the
// reverse (down). Touching (equal within the tolerance) is not a cross, and a bar whose values
// are not ready (NaN) breaks the chain: the next bar has no previous relation to compare with.
#include <cstdint>

namespace meridian::strategies {

// Tolerances for "equal": far below any move a strategy cares about, far above rounding.
// For oscillators on a 0..100 scale (RSI, %K, %D); StochRsi uses the same noise floor.
inline constexpr double kOscillatorTolerance = 1e-9;
// For values in price units (bands, VWAP, MACD): relative to the price, so it scales up to
// five-figure indices; never below 1e-12, still far under the ledger's 1e-8 price step.
// Plain compares rather than std::fmax, which GCC calls out of line (NaN rules) on a hot path.
inline double price_tolerance(double price) noexcept {
  const double magnitude = price < 0.0 ? -price : price;
  return 1e-12 * (magnitude > 1.0 ? magnitude : 1.0);
}

enum class Cross : std::uint8_t { none, up, down };

class CrossDetector {
 public:
  // Feeds this bar's values. |a - b| <= tolerance counts as equal, so rounding noise in an
  // indicator on a flat series (an EMA seed one ulp off the price) never reads as a cross.
  Cross update(double a, double b, double tolerance = 0.0) noexcept {
    const double diff = a - b;
    Relation now = Relation::unknown;
    if (diff > tolerance)
      now = Relation::above;
    else if (diff < -tolerance)
      now = Relation::below;
    else if (diff == diff)  // NaN compares unequal to itself: a missing value stays unknown
      now = Relation::equal;
    const Relation before = previous_;
    previous_ = now;
    if (before == Relation::below && now == Relation::above) return Cross::up;
    if (before == Relation::above && now == Relation::below) return Cross::down;
    return Cross::none;
  }
  // The next update has no previous bar to compare with (a series restarting, e.g. a session).
  void forget() noexcept { previous_ = Relation::unknown; }

 private:
  enum class Relation : std::uint8_t { unknown, below, equal, above };
  Relation previous_ = Relation::unknown;
};

}  // namespace meridian::strategies
