#include "meridian/execution/executor_switch.hpp"

#include <cassert>

namespace meridian::execution {

ExecutorSwitch::ExecutorSwitch(std::unique_ptr<Executor> initial, std::function<void()> on_destroy)
    : current_(std::move(initial)), on_destroy_(std::move(on_destroy)) {
  assert(current_);
}

ExecutorSwitch::~ExecutorSwitch() {
  if (on_destroy_) on_destroy_();
}

bool ExecutorSwitch::idle() const noexcept {
  return current_->open_orders().empty() && current_->in_flight().empty();
}

std::unique_ptr<Executor> ExecutorSwitch::replace(std::unique_ptr<Executor>& next) {
  if (!next || !idle()) return nullptr;
  std::swap(current_, next);
  return std::move(next);
}

}  // namespace meridian::execution
