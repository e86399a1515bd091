#include "meridian/api/json_body.hpp"

#include "field_aliases.hpp"
#include "meridian/core/json_limits.hpp"

namespace meridian::api {

ApiResult<nlohmann::json> parse_json_body(const Request& req) {
  const auto& text = req.raw.body();
  if (!core::json_depth_ok(text))
    return field_error(
        "body",
        "the request body nests objects and arrays deeper than " + std::to_string(core::kMaxJsonDepth) + " levels",
        http::status::bad_request, "too_deep", {{"max_depth", core::kMaxJsonDepth}});
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded())
    return api_error(http::status::bad_request, "invalid_json", "the request body is not valid JSON");
  // Seed 002's field names read as Meridian's (422 when a field is given under both names).
  if (auto err = apply_field_aliases(body)) return std::move(*err);
  return ApiResult<nlohmann::json>{boost::system::in_place_value, std::move(body)};
}

}  // namespace meridian::api
