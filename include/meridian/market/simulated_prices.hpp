#pragma once
// Seeded price paths per symbol with a bid/ask spread and volume. Each path switches between
// regimes — ranging (mean-reverting around where it began), trending (a steady drift up or
// down) and volatile (2.5x the volatility) — so every strategy meets the conditions it is built
// for; volume and spread follow an intraday (UTC) U-shape. Pure and reproducible: the same
// seed, instruments and steps give the same ticks.
#include <random>
#include <string_view>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/core/types.hpp"

namespace meridian::market {

struct SimConfig {
  std::uint64_t seed = 42;
  core::Duration time_step = std::chrono::seconds(1);  // simulated time per tick
  double spread_bps = 2.0;
  double drift_annual = 0.0;
  std::chrono::minutes regime_mean{45};  // market time a regime lasts on average
};

enum class Regime : std::uint8_t { ranging, trending, volatile_ };
std::string_view to_string(Regime r) noexcept;

struct RegimeState {
  Regime regime = Regime::ranging;
  int direction = 0;  // trending: +1 up, -1 down
};

class SimulatedPrices {
 public:
  SimulatedPrices(const core::InstrumentTable& instruments, SimConfig config, core::Timestamp start);

  // Advances the clock by one time step and writes one tick per instrument into `out`
  // (resized once to the instrument count; no allocation afterwards).
  void step(std::vector<core::Tick>& out);
  // Continues a symbol's path from a known last price (after a restart).
  void set_price(core::SymbolId symbol, double price) noexcept;
  void set_clock(core::Timestamp t) noexcept { clock_ = t; }
  core::Timestamp clock() const noexcept { return clock_; }
  double price(core::SymbolId symbol) const noexcept { return paths_[symbol].price; }
  RegimeState regime(core::SymbolId symbol) const noexcept { return paths_[symbol].state; }

  // Runs the path from `end - bars * 1m` to `end` and returns the
  // closed 1-minute bars, oldest first: history for warming indicators on a first start.
  std::vector<core::Bar> generate_history(std::size_t bars, core::Timestamp end);
  // The same bars, one series per instrument (index = SymbolId), oldest first: what a replay or
  // a backtest plays (market::ReplayData::series).
  std::vector<std::vector<core::Bar>> generate_series(std::size_t bars, core::Timestamp end);

 private:
  struct Path {
    double price;
    double sigma;
    int price_decimals;
    RegimeState state{};
    double anchor = 0;            // ranging: the log price it reverts to
    std::int64_t steps_left = 0;  // in the current regime
  };
  void next_regime(Path& p);
  const core::InstrumentTable& instruments_;
  SimConfig config_;
  core::Timestamp clock_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::vector<Path> paths_;
};

}  // namespace meridian::market
