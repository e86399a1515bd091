#pragma once
// The one parse of an untrusted HTTP request body. Every handler that reads a JSON body goes
// through parse_json_body, so the nesting bound (core::kMaxJsonDepth) holds on every route:
// nlohmann parses iteratively, but dumping or walking a value recurses, and a body nested
// 100,000 deep would overflow the stack when echoed back in an error.
#include <nlohmann/json.hpp>

#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"

namespace meridian::api {

// The body as a JSON value (of any type), or the 400 error: `too_deep` when it nests
// deeper than core::kMaxJsonDepth (checked before parsing, so nothing deep is ever built),
// `invalid_json` when it is not JSON. An empty body is not JSON.
ApiResult<nlohmann::json> parse_json_body(const Request& req);

}  // namespace meridian::api
