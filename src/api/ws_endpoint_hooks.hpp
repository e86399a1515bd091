#pragma once
// What an endpoint beside /ws adds to a WebSocket session (WsSession::set_hooks): its own filter
// of hub messages and its own client messages, so the endpoint's logic lives in its own file
// (log_stream.cpp) and the session stays the transport.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace meridian::api {

struct WsTarget;

class WsEndpointHooks {
 public:
  virtual ~WsEndpointHooks() = default;
  // The session's strand: whether a hub message for the endpoint's audience is for this client.
  virtual bool wants(const WsTarget& target) const = 0;
  // The session's strand: a client message (a JSON object with a string `type`). The answer to
  // send, or null to let the session handle it as on /ws.
  virtual std::shared_ptr<const std::string> on_message(const nlohmann::json& msg) = 0;
};

}  // namespace meridian::api
