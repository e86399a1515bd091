#include "meridian/api/session_commands.hpp"

#include <algorithm>

#include "meridian/core/symbol_alias.hpp"
#include "meridian/engine/strategy_params.hpp"

namespace meridian::api {

std::optional<SessionCommand> parse_session_command(std::string_view name) noexcept {
  if (name == "start") return SessionCommand::start;
  if (name == "stop") return SessionCommand::stop;
  if (name == "pause") return SessionCommand::pause;
  if (name == "resume") return SessionCommand::resume;
  if (name == "updateStrategy") return SessionCommand::update_strategy;
  if (name == "kill") return SessionCommand::kill;
  return std::nullopt;
}

namespace {
constexpr std::size_t kMaxSymbolNames = 1024;

// A refused strategy as the API says it: 422 naming the field under `prefix` ("strategy." when
// the strategy came wrapped in the body).
CommandFailure strategy_error(std::string_view prefix, const engine::ParamError& e) {
  return field_error(std::string(prefix) + e.field, e.message, http::status::unprocessable_entity, e.code);
}
}  // namespace

CommandFailure command_failure(const engine::CommandError& e, const std::string& field, bool reason_is_code) {
  // The engine names the field at fault when it knows it better than the caller.
  const std::string& blamed = e.field.empty() ? field : e.field;
  CommandFailure failure;
  switch (e.code) {
    case core::Errc::not_found: failure = api_error(http::status::not_found, "not_found", e.message); break;
    case core::Errc::invalid_argument:
      failure = blamed.empty() ? api_error(http::status::unprocessable_entity, "invalid_field", e.message)
                               : field_error(blamed, e.message);
      break;
    // A number the ledger can not hold (or arithmetic on it that would not fit).
    case core::Errc::out_of_range:
      failure = field_error(blamed, e.message, http::status::unprocessable_entity, "out_of_range",
                            {{"max", std::string(core::kMaxFixedText)}});
      break;
    case core::Errc::rejected:
      failure = api_error(http::status::unprocessable_entity, "risk_denied", e.message, {{"message", e.message}});
      break;
    // Read-only mode, or the database behind: the code is the engine's reason (read_only, ...).
    case core::Errc::unavailable:
      failure = api_error(http::status::service_unavailable, e.reason.empty() ? "unavailable" : e.reason, e.message);
      break;
    default: failure = api_error(http::status::conflict, "invalid_state", e.message); break;
  }
  failure.errc = e.code;  // the engine's own classification, whatever the reply says
  if (!e.field.empty()) failure.details["field"] = e.field;
  if (!e.reason.empty() || e.code == core::Errc::rejected) failure.details["reason"] = e.reason;
  if (reason_is_code && !e.reason.empty()) failure.code = e.reason;
  return failure;
}

void run_engine_command(ApiContext& ctx, engine::PortfolioId portfolio,
                        std::function<engine::CommandResult(engine::Portfolio&)> fn, std::string field,
                        std::function<void(std::optional<CommandFailure>)> done) {
  ctx.runner.command(portfolio, std::move(fn),
                     [field = std::move(field), done = std::move(done)](const engine::CommandResult& r) {
                       if (!r) return done(std::nullopt);
                       done(command_failure(*r, field, false));
                     });
}

std::optional<CommandFailure> parse_symbols(const ApiContext& ctx, const nlohmann::json& value, std::string_view field,
                                            std::vector<core::SymbolId>& out) {
  if (!value.is_array() || value.empty())
    return field_error(std::string(field), std::string(field) + " must be a non-empty array of symbol names");
  // Each symbol once: more names than that can only be repeats, and a strategy trades a
  // symbol once however often it is named.
  if (value.size() > kMaxSymbolNames)
    return field_error(std::string(field),
                       std::string(field) + " names at most " + std::to_string(kMaxSymbolNames) + " symbols");
  for (const auto& s : value) {
    if (!s.is_string()) return field_error(std::string(field), std::string(field) + " must contain strings");
    auto id = core::resolve_symbol(ctx.instruments, s.get<std::string>());
    if (!id)
      return field_error(field, "unknown symbol '" + s.get<std::string>() + "'", http::status::unprocessable_entity,
                         "unknown_symbol", {{"value", s}});
    if (std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return std::nullopt;
}

void run_session_command(ApiContext& ctx, engine::PortfolioId portfolio, SessionCommand command,
                         const nlohmann::json* body, std::int64_t by,
                         std::function<void(std::optional<CommandFailure>)> done) {
  // The strategy a partial update applies over: the portfolio's session strategy now.
  const auto snap = ctx.snapshot(portfolio);
  if (!snap)
    return done(field_error("portfolio_id", "no portfolio " + std::to_string(portfolio) + "; see /api/portfolios",
                            http::status::not_found, "not_found", {{"value", portfolio}}));
  if (command == SessionCommand::update_strategy) {
    if (!body || !body->is_object()) return done(field_error("strategy", "the strategy must be a JSON object"));
    const bool wrapped = body->contains("strategy");
    const auto& given = wrapped ? (*body)["strategy"] : *body;
    if (!given.is_object()) return done(field_error("strategy", "strategy must be an object"));
    auto strategy = engine::decode_strategy(given, snap->session.strategy);
    if (!strategy) return done(strategy_error(wrapped ? "strategy." : "", strategy.error()));
    return run_engine_command(
        ctx, portfolio, [strategy = *strategy, by](engine::Portfolio& e) { return e.replace_strategy(strategy, by); },
        "strategy", std::move(done));
  }
  std::optional<engine::StrategyConfig> strategy;
  std::optional<std::vector<core::SymbolId>> symbols;
  if (command == SessionCommand::start && body && !body->is_null()) {
    if (!body->is_object()) return done(field_error("body", "the request body must be a JSON object"));
    if (auto it = body->find("strategy"); it != body->end() && !it->is_null()) {
      auto decoded = engine::decode_strategy(*it, snap->session.strategy);
      if (!decoded) return done(strategy_error("strategy.", decoded.error()));
      strategy = std::move(*decoded);
    }
    if (auto it = body->find("symbols"); it != body->end() && !it->is_null()) {
      symbols.emplace();
      if (auto failure = parse_symbols(ctx, *it, "symbols", *symbols)) return done(std::move(failure));
    }
  }
  run_engine_command(
      ctx, portfolio,
      [command, strategy = std::move(strategy), symbols = std::move(symbols), by](engine::Portfolio& e) {
        switch (command) {
          case SessionCommand::start: return e.start(strategy, symbols, by);
          case SessionCommand::stop: return e.stop(by);
          case SessionCommand::pause: return e.pause(by);
          case SessionCommand::resume: return e.resume(by);
          case SessionCommand::kill: return e.kill(by);
          case SessionCommand::update_strategy: break;  // handled above
        }
        return e.stop(by);
      },
      "strategy", std::move(done));
}

}  // namespace meridian::api
