#pragma once
// The OpenAPI 3.1 document of the route table (GET /api/openapi.json, browsed at /docs).
//
// Paths, methods, path parameters, roles and summaries come from the Router itself; what a
// route's summary cannot say (its query parameters, request and response JSON Schemas, the
// error statuses it answers beyond the common ones) comes from one companion table,
// openapi_schemas.cpp, keyed by method + pattern, so the routes_*.cpp files stay as they are.
// Every 4xx/5xx response refers to one components/schemas/Error (api_error.hpp's shape).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/api/router.hpp"

namespace meridian::api {

// One route's entry of the companion table: `doc` is JSON text (openapi_schemas.cpp's header
// comment gives its members).
struct OperationDoc {
  http::verb method;
  std::string_view pattern;
  std::string_view doc;
};

// The companion table, whole (for the test that every route of the table has an entry).
const std::vector<OperationDoc>& operation_docs();
// The entry of a method + pattern; null when the table has none.
const OperationDoc* find_operation_doc(http::verb method, std::string_view pattern) noexcept;
// components/schemas and components/parameters the entries refer to.
nlohmann::json openapi_components();

// The whole document. A route without an entry still appears (path, parameters, role,
// summary, the error responses), only without its schemas; the unit test refuses that.
nlohmann::json openapi_document(const Router& router, std::string_view version);

}  // namespace meridian::api
