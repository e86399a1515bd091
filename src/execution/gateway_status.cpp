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

}  // namespace meridian::execution
