#pragma once
// What a state-changing request becomes in the audit trail (storage/audit_sink.hpp): the HTTP
// server's one hook begins a row when the route has matched and the credentials are checked
// (before the handler runs, refused callers included) and finishes it with the answer's status.
//
// Contract: nothing here blocks; the work is bounded by kAuditBodyLimit. Secrets never reach a
// row: every object member whose name is_secret_key, at any depth of the body, and every such
// query parameter, is "***".
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "meridian/api/api_error.hpp"
#include "meridian/api/auth_gate.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/router.hpp"
#include "meridian/core/time.hpp"
#include "meridian/storage/audit_sink.hpp"

namespace meridian::api {

using storage::AuditEntry;
using storage::AuditSink;

// A body larger than this is not copied into the trail: the row says only its size.
inline constexpr std::size_t kAuditBodyLimit = 16 * 1024;

// Whether a member or parameter named `name` holds a secret: its name contains, in any case,
// "pass" (password, passphrase), "secret", "token", "key" (api_key, key), "authorization",
// "credential" or "signature". Erring towards redaction: "monkey" is redacted too.
bool is_secret_key(std::string_view name) noexcept;

// `value` with every object member whose name is_secret_key replaced by "***", at any depth
// (inside arrays too), and NUL characters in names and strings replaced by U+FFFD (PostgreSQL's
// jsonb cannot hold one).
nlohmann::json redact_secrets(nlohmann::json value);

// The params column: {"path":{name:value},"query":{name:value},"body":JSON}, each member present
// only when there is something in it, redacted. A body that is not JSON, or larger than
// kAuditBodyLimit, is "body_bytes": its size, instead of "body".
nlohmann::json audit_params(const HttpRequest& req, const PathParams& path, boost::urls::params_view query);

// The row of a state-changing request to `route`, whose caller presented `credentials` (the
// principal when they were valid, anonymous otherwise), at `at`. `portfolio_id` is the portfolio
// the request names by id (portfolio_ref.hpp's places: {portfolio_id}, {id} of a
// /api/portfolios/{id} route, `portfolio_id`/`portfolio` in the query or the body); a name is not
// resolved here.
AuditEntry begin_audit(const HttpRequest& req, const Route& route, std::string_view path, const PathParams& params,
                       boost::urls::params_view query, const Credentials& credentials, std::string_view address,
                       core::Timestamp at);

// Completes `entry` with the answer: its status, and "ok" below 400, else the error's code (the
// API's error shape), or "http_<status>" for an error without one.
void finish_audit(AuditEntry& entry, const HttpResponse& res);

// The row of a WebSocket command (a session command such as {"type":"pause"}): method "WS",
// route "ws:<type>", path "/ws", params {"body": the message, redacted}; who as for REST (the
// socket's principal, anonymous included) and the portfolio once it is resolved.
AuditEntry begin_ws_audit(std::string_view type, const nlohmann::json& message, const auth::Principal& who,
                          std::string_view address, core::Timestamp at);

// Completes a WebSocket command's row: 200 "ok" without `failure`, else its status and code.
void finish_audit(AuditEntry& entry, const ApiError* failure);

}  // namespace meridian::api
