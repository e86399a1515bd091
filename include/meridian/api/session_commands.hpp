#pragma once
// Trading session commands (start/stop/pause/resume/kill), shared by REST and the /ws control
// messages: one validation, one engine call, one error mapping.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"

namespace meridian::api {

// update_strategy: PUT /api/trading/strategy and seed 000's `updateStrategy` message; kill:
// POST /api/trading/kill and the `kill` message (engine::Portfolio::kill).
enum class SessionCommand { start, stop, pause, resume, update_strategy, kill };
std::optional<SessionCommand> parse_session_command(std::string_view name) noexcept;

// A command's failure is an API error like any other.
using CommandFailure = ApiError;

// An engine's (or the portfolio host's) refusal as an HTTP failure: the one mapping of
// core::Errc to statuses (below). `field` is blamed when the error names none. With
// `reason_is_code`, the error's reason is the code (the portfolio routes document theirs:
// name_taken, not_flat, ...); otherwise a conflict is invalid_state with the reason in details.
CommandFailure command_failure(const engine::CommandError& e, const std::string& field, bool reason_is_code);

// Runs `fn` on the portfolio (on the engine strand) and maps its error to an HTTP failure: not_found 404,
// invalid_argument 422 (naming the engine's field, else `field`), rejected 422 risk_denied
// (details: reason, message), conflict 409; a portfolio gone by then is 404 not_found. `done`
// runs on the engine strand.
void run_engine_command(ApiContext& ctx, engine::PortfolioId portfolio,
                        std::function<engine::CommandResult(engine::Portfolio&)> fn, std::string field,
                        std::function<void(std::optional<CommandFailure>)> done);

// Parses symbol names into ids; a failure names `field`.
std::optional<CommandFailure> parse_symbols(const ApiContext& ctx, const nlohmann::json& value, std::string_view field,
                                            std::vector<core::SymbolId>& out);

// `body` is the start command's optional JSON ({"strategy": {...}, "symbols": [...]}), or
// update_strategy's strategy object, bare or as {"strategy": {...}}. `by` is the user who asks
// (the session's changed_by; 0: a caller without an account).
// `done` runs on the engine strand after the snapshot reflecting the change is published.
void run_session_command(ApiContext& ctx, engine::PortfolioId portfolio, SessionCommand command,
                         const nlohmann::json* body, std::int64_t by,
                         std::function<void(std::optional<CommandFailure>)> done);

}  // namespace meridian::api
