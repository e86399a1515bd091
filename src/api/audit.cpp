#include "meridian/api/audit.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "meridian/core/json_limits.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kSecretWords{"pass",          "secret",     "token",    "key",
                                                       "authorization", "credential", "signature"};
constexpr std::string_view kRedacted = "***";

bool contains_ignoring_case(std::string_view text, std::string_view word) noexcept {
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < word.size() &&
           std::tolower(static_cast<unsigned char>(text[i + j])) == static_cast<unsigned char>(word[j]))
      ++j;
    if (j == word.size()) return true;
  }
  return false;
}

// NUL -> U+FFFD.
std::string without_nul(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\0')
      out += "\xEF\xBF\xBD";
    else
      out += c;
  }
  return out;
}

// A positive integer id: a JSON integer, or text of digits only.
std::optional<std::int64_t> id_in(std::string_view text) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}
std::optional<std::int64_t> id_in(const json& value) {
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    return v > 0 ? std::optional(v) : std::nullopt;
  }
  if (value.is_string()) return id_in(std::string_view(value.get_ref<const std::string&>()));
  return std::nullopt;
}

// The first place that names a portfolio by id, in portfolio_ref.hpp's order.
std::optional<std::int64_t> portfolio_named(const Route& route, const PathParams& params,
                                            boost::urls::params_view query, const json* body) {
  const bool portfolio_route = route.pattern.starts_with("/api/portfolios/{id}");
  for (const auto& [name, value] : params)
    if (name == "portfolio_id" || (portfolio_route && name == "id")) return id_in(std::string_view(value));
  for (const char* name : {"portfolio", "portfolio_id"})
    if (auto it = query.find(name); it != query.end() && (*it).has_value) return id_in(std::string_view((*it).value));
  if (body && body->is_object())
    for (const char* name : {"portfolio_id", "portfolio"})
      if (auto it = body->find(name); it != body->end()) return id_in(*it);
  return std::nullopt;
}

// The body as JSON when it is small enough and JSON at all.
std::optional<json> parsed_body(const HttpRequest& req) {
  const auto& body = req.body();
  if (body.empty() || body.size() > kAuditBodyLimit) return std::nullopt;
  // Nested past the bound, the body is refused (400 too_deep) and recorded by its size: parsed,
  // redact_secrets and dump would recurse once per level and overflow the stack.
  if (!core::json_depth_ok(body)) return std::nullopt;
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

json params_of(const HttpRequest& req, const std::optional<json>& body, const PathParams& path,
               boost::urls::params_view query) {
  json out = json::object();
  if (!path.empty()) {
    json p = json::object();
    for (const auto& [name, value] : path) p[name] = value;
    out["path"] = redact_secrets(std::move(p));
  }
  if (!query.empty()) {
    json q = json::object();
    for (const auto& param : query) q[param.key] = param.has_value ? param.value : std::string();
    out["query"] = redact_secrets(std::move(q));
  }
  if (body)
    out["body"] = redact_secrets(*body);
  else if (!req.body().empty())
    out["body_bytes"] = req.body().size();
  return out;
}

}  // namespace

bool is_secret_key(std::string_view name) noexcept {
  for (auto word : kSecretWords)
    if (contains_ignoring_case(name, word)) return true;
  return false;
}

json redact_secrets(json value) {
  if (value.is_object()) {
    json out = json::object();
    for (auto& [name, member] : value.items())
      out[without_nul(name)] = is_secret_key(name) ? json(kRedacted) : redact_secrets(std::move(member));
    return out;
  }
  if (value.is_array()) {
    for (auto& element : value) element = redact_secrets(std::move(element));
    return value;
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.find('\0') != std::string::npos) return without_nul(s);
  }
  return value;
}

json audit_params(const HttpRequest& req, const PathParams& path, boost::urls::params_view query) {
  return params_of(req, parsed_body(req), path, query);
}

AuditEntry begin_audit(const HttpRequest& req, const Route& route, std::string_view path, const PathParams& params,
                       boost::urls::params_view query, const Credentials& credentials, std::string_view address,
                       core::Timestamp at) {
  AuditEntry e;
  e.at = at;
  if (credentials) {
    e.user_id = credentials->user_id;
    e.role = credentials->role;
    e.api_key_id = credentials->api_key_id;
  }
  e.address = address;
  e.method = std::string(req.method_string());
  e.route = route.pattern;
  e.path = path;
  const auto body = parsed_body(req);
  e.portfolio_id = portfolio_named(route, params, query, body ? &*body : nullptr);
  // Invalid UTF-8 (a client's bytes) is replaced, never a reason to lose the row.
  e.params = params_of(req, body, params, query).dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

void finish_audit(AuditEntry& entry, const HttpResponse& res) {
  entry.status = static_cast<int>(res.result_int());
  if (entry.status < 400) {
    entry.result = "ok";
    return;
  }
  const auto body = json::parse(res.body(), nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object() && body["error"].contains("code") &&
      body["error"]["code"].is_string()) {
    entry.result = body["error"]["code"].get<std::string>();
    return;
  }
  entry.result = "http_" + std::to_string(entry.status);
}

AuditEntry begin_ws_audit(std::string_view type, const json& message, const auth::Principal& who,
                          std::string_view address, core::Timestamp at) {
  AuditEntry e;
  e.at = at;
  e.user_id = who.user_id;
  e.role = who.role;
  e.api_key_id = who.api_key_id;
  e.address = address;
  e.method = "WS";
  e.route = "ws:" + without_nul(type);
  e.path = "/ws";
  e.params = json{{"body", redact_secrets(message)}}.dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

void finish_audit(AuditEntry& entry, const ApiError* failure) {
  entry.status = failure ? static_cast<int>(failure->status) : 200;
  entry.result = failure ? failure->code : "ok";
}

}  // namespace meridian::api
