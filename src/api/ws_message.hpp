#pragma once
// The one envelope of every WebSocket message the server sends: {"type", "ts" (epoch ms,
// when it was made), ...fields}. Dumped once, shared by every session it goes to; a string
// that is not UTF-8 (a client's, echoed) is replaced, never thrown on.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meridian/core/time.hpp"

namespace meridian::api {

// `fields`: an object whose members join type and ts (anything else adds nothing).
inline std::string ws_text(std::string_view type, nlohmann::json fields = nlohmann::json::object()) {
  nlohmann::json message = fields.is_object() ? std::move(fields) : nlohmann::json::object();
  message["type"] = type;
  message["ts"] = core::epoch_ms(core::now());
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::shared_ptr<const std::string> ws_message(std::string_view type,
                                                     nlohmann::json fields = nlohmann::json::object()) {
  return std::make_shared<const std::string>(ws_text(type, std::move(fields)));
}

}  // namespace meridian::api
