#include "meridian/api/openapi.hpp"

#include <cctype>

namespace meridian::api {

namespace {

// Entries write {"$ref":"Order"}: the name of a components/schemas entry, made a full reference here.
void expand_refs(nlohmann::json& node) {
  if (node.is_object()) {
    if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
      auto name = ref->get<std::string>();
      if (name.find('/') == std::string::npos) *ref = "#/components/schemas/" + name;
    }
    for (auto& [key, value] : node.items()) expand_refs(value);
  } else if (node.is_array()) {
    for (auto& value : node) expand_refs(value);
  }
}

nlohmann::json ref(std::string_view kind, std::string_view name) {
  return {{"$ref", "#/components/" + std::string(kind) + "/" + std::string(name)}};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What every 4xx/5xx status means, as the responses' descriptions.
const char* error_description(int status) {
  switch (status) {
    case 400: return "Bad request: a malformed body (invalid_json) or query parameter (invalid_parameter)";
    case 401: return "No credentials or bad ones (unauthenticated; details.reason)";
    case 403: return "The caller's role is below the route's (forbidden; details.needs, details.role)";
    case 404: return "Not found (not_found, unknown_symbol, ...), or not visible to the caller";
    case 409: return "Conflict with the resource's state (invalid_state, name_taken, ...)";
    case 413: return "The request is too large";
    case 422: return "A field is invalid (invalid_field, out_of_range, risk_denied, ...; details.field)";
    case 429: return "Rate limited (too_many_requests; Retry-After header, details.retry_after_s)";
    case 500: return "Internal error";
    case 503: return "Unavailable (no database, read-only, busy; a Retry-After may say when to retry)";
    default: return "Error";
  }
}

nlohmann::json operation(const Route& route) {
  nlohmann::json op{{"summary", route.summary},
                    {"operationId", lower(http::to_string(route.method)) + route.pattern},
                    {"x-meridian-role", std::string(to_string(route.role))}};
  // Tags group the document by resource: the path's first segment after /api.
  std::string_view rest = route.pattern;
  if (rest.starts_with("/api/"))
    rest.remove_prefix(5);
  else
    rest.remove_prefix(1);
  op["tags"] = nlohmann::json::array({std::string(rest.substr(0, rest.find('/')))});

  nlohmann::json parameters = nlohmann::json::array();
  for (std::size_t at = route.pattern.find('{'); at != std::string::npos; at = route.pattern.find('{', at + 1)) {
    const auto end = route.pattern.find('}', at);
    parameters.push_back({{"name", route.pattern.substr(at + 1, end - at - 1)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
  }
  nlohmann::json doc = nlohmann::json::object();
  if (const auto* entry = find_operation_doc(route.method, route.pattern)) {
    doc = nlohmann::json::parse(entry->doc);
    expand_refs(doc);
  }
  for (const auto& name : doc.value("query", nlohmann::json::array()))
    parameters.push_back(ref("parameters", name.get<std::string>()));
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  if (doc.contains("description")) op["description"] = doc["description"];

  if (doc.contains("body")) {
    op["requestBody"] = {{"required", doc.value("body_required", true)},
                         {"content", {{"application/json", {{"schema", doc["body"]}}}}}};
    if (doc.contains("body_example")) op["requestBody"]["content"]["application/json"]["example"] = doc["body_example"];
    if (doc.contains("body_csv"))  // a route that also takes text/csv (Route::csv_body): an example body
      op["requestBody"]["content"]["text/csv"] = {{"schema", {{"type", "string"}}}, {"example", doc["body_csv"]}};
  }

  nlohmann::json responses = nlohmann::json::object();
  // Bound to a name: items() of the temporary value() returns would dangle in the loop.
  const auto declared = doc.value("responses", nlohmann::json::object());
  for (const auto& [status, schema] : declared.items()) {
    nlohmann::json response{{"description", status == "204" ? "No content" : "Success"}};
    if (!schema.is_null()) {
      const std::string type = doc.value("content_type", "application/json");
      response["content"][type]["schema"] = schema;
      if (auto ex = doc.find("example"); ex != doc.end() && status.starts_with('2'))
        response["content"][type]["example"] = *ex;
    }
    responses[status] = std::move(response);
  }
  if (responses.empty()) responses["200"] = {{"description", "Success"}};

  // The errors every route may answer: 429 (the rate limit), 400 (a malformed target), 500;
  // 401/403 below its role; 404 for a path parameter naming nothing; 400/422 for a body; and
  // the entry's own.
  std::vector<int> errors{400, 429, 500};
  if (route.role != Role::anonymous || route.scrape) errors.push_back(401);
  if (route.role != Role::anonymous) errors.push_back(403);
  if (route.pattern.find('{') != std::string::npos) errors.push_back(404);
  if (doc.contains("body")) errors.push_back(422);
  for (const auto& e : doc.value("errors", nlohmann::json::array())) errors.push_back(e.get<int>());
  for (int status : errors) {
    const auto key = std::to_string(status);
    if (!responses.contains(key)) responses[key] = ref("responses", "Error" + key);
  }
  op["responses"] = std::move(responses);

  // Anonymous routes need nothing; any other takes either credential (with --public-read, a
  // viewer route also answers without one); a scraper's route: nothing from loopback, else the
  // metrics token as a bearer.
  if (route.scrape) {
    op["x-meridian-access"] = "loopback, or the metrics token";
    op["security"] = nlohmann::json::array({nlohmann::json::object(), {{"bearer", nlohmann::json::array()}}});
  } else if (route.role == Role::anonymous) {
    op["security"] = nlohmann::json::array();
  } else {
    op["security"] =
        nlohmann::json::array({{{"bearer", nlohmann::json::array()}}, {{"api_key", nlohmann::json::array()}}});
  }
  return op;
}

}  // namespace

nlohmann::json openapi_document(const Router& router, std::string_view version) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& route : router.routes())
    paths[route.pattern][lower(http::to_string(route.method))] = operation(route);

  auto components = openapi_components();
  expand_refs(components);
  for (int status : {400, 401, 403, 404, 409, 413, 422, 429, 500, 503})
    components["responses"]["Error" + std::to_string(status)] = {
        {"description", error_description(status)},
        {"content", {{"application/json", {{"schema", ref("schemas", "Error")}}}}}};
  components["securitySchemes"] = {
      {"bearer",
       {{"type", "http"},
        {"scheme", "bearer"},
        {
            "bearerFormat",
            "JWT",
        },
        {"description", "An access token (POST /api/auth/login), or an API key (mk_...) as a bearer token"}}},
      {"api_key", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "Meridian"},
            {"version", std::string(version)},
            {"description",
             "The meridiand REST API. Each operation's x-meridian-role is the least role it needs (with auth "
             "on); errors are {\"error\": {\"code\", \"message\", \"details\"}}. WebSocket endpoints (/ws, "
             "/ws/stream/{symbol}) are described in docs/api-shapes.md."}}},
          {"servers", nlohmann::json::array({{{"url", "/"}}})},
          {"security",
           nlohmann::json::array({{{"bearer", nlohmann::json::array()}}, {{"api_key", nlohmann::json::array()}}})},
          {"paths", std::move(paths)},
          {"components", std::move(components)}};
}

const OperationDoc* find_operation_doc(http::verb method, std::string_view pattern) noexcept {
  for (const auto& entry : operation_docs())
    if (entry.method == method && entry.pattern == pattern) return &entry;
  return nullptr;
}

}  // namespace meridian::api
