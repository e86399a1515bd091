#include "meridian/api/json_body.hpp"

#include "meridian/core/json_limits.hpp"

namespace meridian::api {

std::variant<nlohmann::json, HttpResponse> parse_json_body(const Request& req) {
  const auto& text = req.raw.body();
  if (!core::json_depth_ok(text)) {
    const nlohmann::json details{{"field", "body"}, {"max_depth", core::kMaxJsonDepth}};
    return error_response(
        req, http::status::bad_request, "too_deep",
        "the request body nests objects and arrays deeper than " + std::to_string(core::kMaxJsonDepth) + " levels",
        &details);
  }
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded())
    return error_response(req, http::status::bad_request, "invalid_json", "the request body is not valid JSON");
  return body;
}

}  // namespace meridian::api
