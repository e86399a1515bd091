#include "meridian/execution/gateway_status.hpp"

namespace meridian::execution {

std::string_view to_string(GatewayState s) noexcept {
  switch (s) {
    case GatewayState::connecting: return "connecting";
    case GatewayState::connected: return "connected";
    case GatewayState::disconnected: return "disconnected";
    case GatewayState::auth_failed: return "auth_failed";
  }
  return "connecting";
}

void GatewayBoard::publish(const GatewayStatus& status) {
  std::lock_guard lock(mutex_);
  for (auto& item : items_)
    if (item.gateway == status.gateway && item.portfolio_id == status.portfolio_id) {
      const bool changed = item.state != status.state || item.accepting_entries != status.accepting_entries;
      item = status;
      if (changed && on_state_change_) on_state_change_(item);
      return;
    }
  items_.push_back(status);
  if (on_state_change_) on_state_change_(items_.back());
}

void GatewayBoard::on_state_change(std::function<void(const GatewayStatus&)> fn) {
  std::lock_guard lock(mutex_);
  on_state_change_ = std::move(fn);
}

void GatewayBoard::remove(std::string_view gateway, std::int64_t portfolio_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(items_, [&](const GatewayStatus& s) { return s.gateway == gateway && s.portfolio_id == portfolio_id; });
}

std::vector<GatewayStatus> GatewayBoard::read() const {
  std::lock_guard lock(mutex_);
  return items_;
}

}  // namespace meridian::execution
