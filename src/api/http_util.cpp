#include <algorithm>
#include <boost/url/decode_view.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include <boost/throw_exception.hpp>
#include <stdexcept>

#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"

namespace meridian::api {

std::string_view Request::param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::optional<std::string> Request::query_value(std::string_view name) const {
  for (auto p : query)
    if (p.key == name) return std::string(p.value);
  return std::nullopt;
}

// The dashboard's policy, on every response (an API response rendered as a page gets it too).
// Its script and style come from files of this server (no inline code); it talks to this
// server over fetch and its WebSocket (ws:/wss:, which 'self' does not cover in every
// browser); the favicon is a data: URL. No framing, no referrer leaving for other sites.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void add_common_headers(HttpResponse& res) {
  res.set(http::field::server, "meridiand");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("Referrer-Policy", "no-referrer");
}

void add_tls_headers(HttpResponse& res) {
  res.set(http::field::strict_transport_security, "max-age=31536000");
}

namespace {
// Invalid UTF-8 in a string (a client's, echoed) is replaced, never thrown on.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

HttpResponse json_response(unsigned version, bool keep_alive, http::status status, std::string body,
                           std::string_view location) {
  HttpResponse res{status, version};
  add_common_headers(res);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  if (!location.empty()) res.set(http::field::location, location);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(unsigned version, bool keep_alive, http::status status, const nlohmann::json& body,
                           std::string_view location) {
  return json_response(version, keep_alive, status, dump(body), location);
}

HttpResponse json_response(const Request& req, http::status status, std::string body) {
  return json_response(req.raw.version(), req.raw.keep_alive(), status, std::move(body));
}

HttpResponse json_response(const Request& req, http::status status, const nlohmann::json& body) {
  return json_response(req, status, dump(body));
}

HttpResponse empty_response(unsigned version, bool keep_alive, http::status status) {
  HttpResponse res{status, version};
  add_common_headers(res);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

namespace {
// Error details often echo what the client sent, and a client may send anything: a string of
// a megabyte, or a value nested deeper than serialising it recursively allows. So what an
// error carries is bounded here, once, for every error the API answers: at most kMaxMembers
// members; strings cut to kMaxString bytes; a member that is an array of a few short scalars
// (e.g. the allowed values) is kept, any other array or object is replaced by its type name;
// once kMaxTotal bytes are used, the remaining members are dropped ("truncated": true).
constexpr std::size_t kMaxMembers = 16;
constexpr std::size_t kMaxString = 64;
constexpr std::size_t kMaxArray = 16;
constexpr std::size_t kMaxTotal = 1024;
constexpr std::size_t kMaxMessage = 512;

// The first `limit` bytes of `s`, not splitting a UTF-8 sequence, marked when cut.
std::string truncated(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "...";
}

nlohmann::json bounded_scalar(const nlohmann::json& v) {
  if (v.is_string()) return truncated(v.get_ref<const std::string&>(), kMaxString);
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return v;  // number, boolean, null (never structured, so never deep)
}

nlohmann::json bounded_member(const nlohmann::json& v) {
  if (v.is_array() && v.size() <= kMaxArray &&
      std::none_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_structured(); })) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : v) out.push_back(bounded_scalar(e));
    return out;
  }
  return bounded_scalar(v);
}

}  // namespace

nlohmann::json bounded_details(const nlohmann::json& details) {
  nlohmann::json out = nlohmann::json::object();
  if (!details.is_object()) {
    if (!details.is_null()) out["value"] = bounded_member(details);
    return out;
  }
  // Members in order of use to a client: what is wrong, the value, then the rest (by name).
  std::vector<std::pair<std::string_view, const nlohmann::json*>> members;
  for (const char* first : {"field", "value", "reason"})
    if (auto it = details.find(first); it != details.end()) members.emplace_back(first, &*it);
  for (const auto& [key, value] : details.items())
    if (key != "field" && key != "value" && key != "reason") members.emplace_back(key, &value);
  std::size_t used = 2;
  for (const auto& [key, value] : members) {
    auto member = bounded_member(*value);
    auto name = truncated(key, kMaxString);
    const auto size = name.size() + member.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() + 4;
    if (out.size() == kMaxMembers || used + size > kMaxTotal) {
      out["truncated"] = true;
      break;
    }
    used += size;
    out[std::move(name)] = std::move(member);
  }
  return out;
}

HttpResponse error_response(unsigned version, bool keep_alive, http::status status, std::string_view code,
                            std::string_view message, const nlohmann::json* details) {
  nlohmann::json err{{"code", code}, {"message", truncated(message, kMaxMessage)}};
  err["details"] = details ? bounded_details(*details) : nlohmann::json::object();
  // Every 401 names the scheme to authenticate with (RFC 9110 section 15.5.2), and says
  // invalid_token when the credentials presented were refused (RFC 6750 section 3).
  const bool refused_token = status == http::status::unauthorized && err["details"].contains("reason") &&
                             err["details"]["reason"] != "missing";
  auto res = json_response(version, keep_alive, status, nlohmann::json{{"error", std::move(err)}});
  if (status == http::status::unauthorized)
    res.set(http::field::www_authenticate,
            refused_token ? R"(Bearer realm="meridian", error="invalid_token")" : R"(Bearer realm="meridian")");
  // A 429 says when to come back (RFC 6585 section 4), from its details (too_many_requests).
  if (status == http::status::too_many_requests && details) {
    const auto wait = details->find("retry_after_s");
    if (wait != details->end() && wait->is_number_unsigned())
      res.set(http::field::retry_after, std::to_string(wait->get<std::uint64_t>()));
  }
  return res;
}

HttpResponse error_response(const Request& req, http::status status, std::string_view code, std::string_view message,
                            const nlohmann::json* details) {
  return error_response(req.raw.version(), req.raw.keep_alive(), status, code, message, details);
}

core::Errc errc_of(http::status status, std::string_view code) noexcept {
  switch (status) {
    case http::status::not_found: return core::Errc::not_found;
    case http::status::conflict: return core::Errc::conflict;
    case http::status::service_unavailable: return core::Errc::unavailable;
    case http::status::unauthorized: return core::Errc::unauthenticated;
    case http::status::forbidden: return core::Errc::forbidden;
    case http::status::too_many_requests: return core::Errc::rate_limited;
    default: break;
  }
  if (code == "out_of_range") return core::Errc::out_of_range;
  if (code == "invalid_json" || code == "too_deep") return core::Errc::parse_error;
  if (code == "risk_denied") return core::Errc::rejected;
  if (static_cast<unsigned>(status) >= 500) return core::Errc::unavailable;
  return core::Errc::invalid_argument;
}

ApiError api_error(http::status status, std::string code, std::string message, nlohmann::json details) {
  const auto errc = errc_of(status, code);
  return {errc, status, std::move(code), std::move(message),
          details.is_object() ? std::move(details) : nlohmann::json::object()};
}

ApiError too_many_requests(std::string message, std::chrono::seconds retry_after) {
  const auto wait = std::max<std::int64_t>(1, retry_after.count());
  return api_error(http::status::too_many_requests, "too_many_requests", std::move(message),
                   {{"retry_after_s", static_cast<std::uint64_t>(wait)}});
}

ApiError field_error(std::string_view field, std::string message, http::status status, std::string_view code,
                     nlohmann::json extra) {
  nlohmann::json details = extra.is_object() ? std::move(extra) : nlohmann::json::object();
  details["field"] = field;
  return api_error(status, std::string(code), std::move(message), std::move(details));
}

HttpResponse error_response(unsigned version, bool keep_alive, const ApiError& e) {
  return error_response(version, keep_alive, e.status, e.code, e.message, &e.details);
}

HttpResponse error_response(const Request& req, const ApiError& e) {
  return error_response(req.raw.version(), req.raw.keep_alive(), e);
}

void throw_exception_from_error(const ApiError& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(e.code + ": " + e.message), loc);
}

}  // namespace meridian::api
