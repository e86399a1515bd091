#pragma once
// Walk-forward: how a sweep's winner does on bars it was not chosen on. [from, to) is cut into
// K consecutive windows that cover it without overlap; each window's first part (the in-sample
// fraction) is swept (backtest::sweep), and the in-sample winner alone is then run on the rest
// of the window (out of sample), a fresh engine whose indicators warm up again there. A large
// gap between the in-sample and out-of-sample scores is what overfitting looks like.
#include <vector>

#include "meridian/backtest/sweep.hpp"

namespace meridian::backtest {

struct WalkForwardSpec {
  std::size_t windows = 4;
  double in_sample = 0.7;  // the fraction of each window swept, in (0, 1)
};
inline constexpr std::size_t kMaxWindows = 100;

// [in_from, in_to) is swept; [in_to, out_to) tests the winner; the next window starts at out_to.
struct Window {
  core::Timestamp in_from{};
  core::Timestamp in_to{};
  core::Timestamp out_to{};
};

// The windows over [from, to), boundaries on whole minutes (bars open on them), the last ending
// at `to`. Errors (engine::ParamError on "walk_forward.windows" / "walk_forward.in_sample"): K
// outside [1, kMaxWindows], a fraction outside (0, 1), or a part shorter than one minute.
core::Result<std::vector<Window>, engine::ParamError> walk_forward_windows(core::Timestamp from, core::Timestamp to,
                                                                           const WalkForwardSpec& spec);

struct WindowResult {
  Window window;
  SweepRun best;             // the in-sample winner: its values, strategy, in-sample metrics and score
  Metrics out_of_sample{};   // the winner run alone on [in_to, out_to)
  double out_score = 0.0;    // out_of_sample by the sweep's rank
  std::uint64_t ranked = 0;  // combinations that finished in sample
};

struct WalkForwardResult {
  Status status = Status::completed;
  RankBy rank = RankBy::sharpe;
  std::vector<std::string> names;
  std::vector<WindowResult> windows;  // the windows that finished, in time order
  double mean_in_score = 0.0;         // over the finished windows
  double mean_out_score = 0.0;
  double out_of_sample_return = 0.0;  // the out-of-sample total returns compounded, window after window
  double seconds = 0.0;
};

// Runs each window in turn (each sweep on spec.threads workers). Progress counts backtests:
// windows x (combinations + 1). Cancelled: the finished windows only. spec.base's range is
// ignored (the windows give each run its own).
WalkForwardResult walk_forward(const core::InstrumentTable& instruments, const SweepSpec& spec,
                               const Combinations& combinations, const std::vector<Window>& windows,
                               const market::ReplayData& data, const SweepControl& control = {});

}  // namespace meridian::backtest
