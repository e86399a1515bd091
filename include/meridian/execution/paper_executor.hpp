#pragma once
// Paper executor: market orders fill at once at the touch (ask for buys, bid for sells)
// with a fee of fee_bps of notional plus a fixed amount per fill.
#include "meridian/execution/executor.hpp"

namespace meridian::execution {

struct PaperConfig {
  std::int64_t fee_bps = 10;  // 0.10 % of notional
  core::Money fee_fixed{};    // per fill
};

class PaperExecutor final : public Executor {
 public:
  explicit PaperExecutor(PaperConfig config) : config_(config) {}
  void submit(const Order& order, const core::Tick& touch, FillSink& sink) override;
  std::string_view name() const noexcept override { return "paper"; }
  // The fee the executor would charge; risk checks use it before submitting.
  core::Money fee_for(core::Price price, core::Quantity quantity) const noexcept;

 private:
  PaperConfig config_;
};

}  // namespace meridian::execution
