#include "meridian/backtest/walk_forward.hpp"

#include <chrono>

namespace meridian::backtest {

using engine::ParamError;

core::Result<std::vector<Window>, ParamError> walk_forward_windows(core::Timestamp from, core::Timestamp to,
                                                                   const WalkForwardSpec& spec) {
  if (spec.windows < 1 || spec.windows > kMaxWindows)
    return ParamError{"walk_forward.windows",
                      "walk_forward.windows must be in [1, " + std::to_string(kMaxWindows) + "]"};
  if (!(spec.in_sample > 0.0 && spec.in_sample < 1.0))
    return ParamError{"walk_forward.in_sample", "walk_forward.in_sample must be a fraction in (0, 1)"};
  const auto minutes = (to - from) / std::chrono::minutes(1);
  const auto k_windows = static_cast<std::int64_t>(spec.windows);
  std::vector<Window> out;
  for (std::int64_t k = 0; k < k_windows; ++k) {
    const auto start = from + std::chrono::minutes(k * minutes / k_windows);
    const auto end = k + 1 == k_windows ? to : from + std::chrono::minutes((k + 1) * minutes / k_windows);
    const auto length = (end - start) / std::chrono::minutes(1);
    const auto in_minutes = static_cast<std::int64_t>(double(length) * spec.in_sample);
    const auto split = start + std::chrono::minutes(in_minutes);
    if (in_minutes < 1 || end - split < std::chrono::minutes(1))
      return ParamError{"walk_forward.windows", std::to_string(spec.windows) +
                                                    " windows leave a part shorter than one minute; use fewer "
                                                    "windows or a longer range"};
    out.push_back({start, split, end});
  }
  return out;
}

WalkForwardResult walk_forward(const core::InstrumentTable& instruments, const SweepSpec& spec,
                               const Combinations& combinations, const std::vector<Window>& windows,
                               const market::ReplayData& data, const SweepControl& control) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t per_window = combinations.strategies.size() + 1;
  const std::uint64_t total = per_window * windows.size();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };

  WalkForwardResult out;
  out.rank = spec.rank;
  out.names = combinations.names;
  double growth = 1.0;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const auto& window = windows[w];
    SweepSpec in = spec;
    in.base.from = window.in_from;
    in.base.to = window.in_to;
    SweepControl in_control;
    in_control.cancel = control.cancel;
    if (control.on_progress)
      in_control.on_progress = [&, offset = w * per_window](const SweepProgress& p) {
        control.on_progress({offset + p.done, total, elapsed()});
      };
    auto swept = sweep(instruments, in, combinations, data, in_control);
    if (swept.status != Status::completed || swept.ranked.empty()) {
      out.status = Status::cancelled;
      break;
    }

    BacktestSpec oos = spec.base;
    oos.from = window.in_to;
    oos.to = window.out_to;
    oos.strategy = swept.ranked.front().strategy;
    Control oos_control;
    oos_control.cancel = control.cancel;
    const auto tested = run(instruments, oos, data, oos_control);
    if (tested.status != Status::completed) {
      out.status = Status::cancelled;
      break;
    }
    if (control.on_progress) control.on_progress({(w + 1) * per_window, total, elapsed()});

    WindowResult r;
    r.window = window;
    r.ranked = swept.ranked.size();
    r.best = std::move(swept.ranked.front());
    r.out_of_sample = tested.metrics;
    r.out_score = score(tested.metrics, spec.rank);
    out.mean_in_score += r.best.score;
    out.mean_out_score += r.out_score;
    growth *= 1.0 + tested.metrics.total_return;
    out.windows.push_back(std::move(r));
  }
  if (!out.windows.empty()) {
    out.mean_in_score /= double(out.windows.size());
    out.mean_out_score /= double(out.windows.size());
    out.out_of_sample_return = growth - 1.0;
  }
  out.seconds = elapsed();
  return out;
}

}  // namespace meridian::backtest
