#include "meridian/engine/session.hpp"

namespace meridian::engine {

std::string_view to_string(SessionState s) noexcept {
  switch (s) {
    case SessionState::stopped: return "stopped";
    case SessionState::running: return "running";
    case SessionState::paused: return "paused";
  }
  return "stopped";
}

std::optional<SessionState> parse_session_state(std::string_view s) noexcept {
  if (s == "stopped") return SessionState::stopped;
  if (s == "running") return SessionState::running;
  if (s == "paused") return SessionState::paused;
  return std::nullopt;
}

std::string_view to_string(Mode m) noexcept {
  switch (m) {
    case Mode::simulation: return "simulation";
    case Mode::paper: return "paper";
    case Mode::live: return "live";
  }
  return "simulation";
}

std::string_view to_string(Sizing s) noexcept {
  switch (s) {
    case Sizing::fraction: return "fraction";
    case Sizing::risk: return "risk";
    case Sizing::notional: return "notional";
    case Sizing::kelly: return "kelly";
  }
  return "fraction";
}

std::optional<Sizing> parse_sizing(std::string_view s) noexcept {
  for (auto v : {Sizing::fraction, Sizing::risk, Sizing::notional, Sizing::kelly})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

}  // namespace meridian::engine
