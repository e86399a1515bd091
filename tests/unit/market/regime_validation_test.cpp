// The regime classifier against ground truth: the simulator knows the regime each symbol's
// path is in (ranging, trending up or down, volatile). Over a long seeded run of one-minute
// bars the classifier must beat both chance (25 % over four classes) and always answering the
// commonest regime, by a margin; the confusion matrix is printed (the README quotes it).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "meridian/indicators/regime.hpp"
#include "meridian/market/simulated_prices.hpp"

using namespace meridian;

TEST(RegimeValidation, BeatsChanceAndTheMajorityClassOnTheSimulator) {
  const core::InstrumentTable instruments(core::default_instruments());
  market::SimConfig cfg;
  cfg.seed = 11;  // not the seed the defaults were chosen on (7)
  cfg.time_step = std::chrono::seconds(5);
  market::SimulatedPrices sim(instruments, cfg, core::Timestamp{} + std::chrono::hours(24 * 365 * 56));
  const std::size_t n = instruments.size();
  std::vector<indicators::RegimeClassifier> classifiers(n);
  std::vector<core::Tick> ticks;
  // truth (ranging, up, down, volatile) x reading (unknown, up, down, ranging, volatile)
  std::array<std::array<long, 5>, 4> matrix{};
  constexpr int kMinutes = 3000, kStepsPerMinute = 12;
  std::vector<indicators::Ohlcv> bars(n);
  for (int minute = 0; minute < kMinutes; ++minute) {
    for (int s = 0; s < kStepsPerMinute; ++s) {
      sim.step(ticks);
      for (const auto& t : ticks) {
        auto& b = bars[t.symbol];
        const double px = t.last.to_double();
        if (s == 0) b = {{}, px, px, px, px, 0.0};
        b.high = std::max(b.high, px);
        b.low = std::min(b.low, px);
        b.close = px;
        b.volume += t.volume.to_double();
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      classifiers[i].update(bars[i]);
      const auto truth = sim.regime(static_cast<core::SymbolId>(i));
      const int row = truth.regime == market::Regime::ranging     ? 0
                      : truth.regime == market::Regime::volatile_ ? 3
                      : truth.direction > 0                       ? 1
                                                                  : 2;
      ++matrix[row][static_cast<int>(classifiers[i].reading().regime)];
    }
  }
  // Where each truth row's correct reading sits.
  constexpr std::array<int, 4> kRight{3, 1, 2, 4};
  long right = 0, all = 0, biggest = 0;
  double balanced = 0;
  std::printf("truth \\ reading  unknown  trending_up  trending_down  ranging  volatile\n");
  const char* names[] = {"ranging", "trending_up", "trending_down", "volatile"};
  for (int t = 0; t < 4; ++t) {
    long known = 0;
    for (int r = 1; r < 5; ++r) known += matrix[t][r];
    std::printf("%-15s %8ld %12ld %14ld %8ld %9ld\n", names[t], matrix[t][0], matrix[t][1], matrix[t][2], matrix[t][3],
                matrix[t][4]);
    right += matrix[t][kRight[t]];
    all += known;
    biggest = std::max(biggest, known);
    balanced += known ? static_cast<double>(matrix[t][kRight[t]]) / static_cast<double>(known) / 4.0 : 0.0;
  }
  const double accuracy = static_cast<double>(right) / static_cast<double>(all);
  const double majority = static_cast<double>(biggest) / static_cast<double>(all);
  std::printf("accuracy %.3f (always the commonest regime: %.3f), balanced accuracy %.3f (chance 0.250)\n", accuracy,
              majority, balanced);
  EXPECT_GT(accuracy, majority + 0.05);
  EXPECT_GT(balanced, 0.45);
}
