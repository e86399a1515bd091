#include "meridian/backtest/monte_carlo.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "meridian/risk/analytics.hpp"

namespace meridian::backtest {

namespace {

Percentiles percentiles(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
  };
  return {at(0.05), at(0.25), at(0.50), at(0.75), at(0.95)};
}

// Paths of equity values, one step per second of a made-up clock, so risk::drawdown's duration
// counts steps.
class Summary {
 public:
  Summary(const MonteCarloSpec& spec, std::size_t steps) : spec_(spec), curve_(steps + 1) {
    for (std::size_t k = 0; k < curve_.size(); ++k) curve_[k].ts = core::Timestamp{std::chrono::seconds(k)};
    finals_.reserve(spec.paths);
    drawdowns_.reserve(spec.paths);
    durations_.reserve(spec.paths);
  }
  risk::EquityPoint* path() noexcept { return curve_.data(); }
  void add() {
    const auto dd = risk::drawdown(curve_);
    finals_.push_back(curve_.back().equity / curve_.front().equity - 1.0);
    drawdowns_.push_back(dd.max_fraction);
    durations_.push_back(
        static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(dd.max_duration).count()));
    losses_ += finals_.back() < 0 ? 1 : 0;
    beyond_ += dd.max_fraction > spec_.drawdown_threshold ? 1 : 0;
  }
  Distribution take() {
    Distribution d;
    d.paths = finals_.size();
    d.steps = curve_.size() - 1;
    if (finals_.empty()) return d;
    d.probability_of_loss = static_cast<double>(losses_) / static_cast<double>(d.paths);
    d.probability_drawdown_beyond = static_cast<double>(beyond_) / static_cast<double>(d.paths);
    d.final_return = percentiles(finals_);
    d.max_drawdown = percentiles(drawdowns_);
    d.longest_drawdown = percentiles(durations_);
    return d;
  }

 private:
  const MonteCarloSpec& spec_;
  std::vector<risk::EquityPoint> curve_;
  std::vector<double> finals_, drawdowns_, durations_;
  std::uint64_t losses_ = 0, beyond_ = 0;
};

std::uint64_t paths_of(const MonteCarloSpec& spec) {
  return std::min(spec.paths, kMaxMonteCarloPaths);
}

}  // namespace

Distribution bootstrap_trades(std::span<const double> pnls, double initial_capital, const MonteCarloSpec& spec) {
  if (pnls.empty() || !(initial_capital > 0)) return {};
  std::mt19937_64 rng(spec.seed);
  std::uniform_int_distribution<std::size_t> pick(0, pnls.size() - 1);
  Summary summary(spec, pnls.size());
  for (std::uint64_t p = 0; p < paths_of(spec); ++p) {
    auto* curve = summary.path();
    curve[0].equity = initial_capital;
    for (std::size_t k = 1; k <= pnls.size(); ++k) curve[k].equity = curve[k - 1].equity + pnls[pick(rng)];
    summary.add();
  }
  return summary.take();
}

Distribution block_bootstrap_returns(std::span<const double> returns, const MonteCarloSpec& spec) {
  if (returns.empty()) return {};
  const std::size_t block = std::clamp<std::size_t>(spec.block, 1, returns.size());
  std::mt19937_64 rng(spec.seed);
  std::uniform_int_distribution<std::size_t> start(0, returns.size() - 1);
  Summary summary(spec, returns.size());
  for (std::uint64_t p = 0; p < paths_of(spec); ++p) {
    auto* curve = summary.path();
    curve[0].equity = 1.0;
    for (std::size_t k = 1; k <= returns.size();) {
      const std::size_t from = start(rng);
      for (std::size_t b = 0; b < block && k <= returns.size(); ++b, ++k)
        curve[k].equity = curve[k - 1].equity * (1.0 + returns[(from + b) % returns.size()]);
    }
    summary.add();
  }
  return summary.take();
}

}  // namespace meridian::backtest
