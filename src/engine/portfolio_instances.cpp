// Portfolio's strategy-instance commands (seed 004's lifecycle): add, init, start, stop,
// remove, restore, delete and patch. They validate, change the instances through the
// StrategyHost and journal the result. Engine strand only, like the rest of Portfolio.
#include <algorithm>

#include "meridian/engine/portfolio.hpp"
#include "meridian/strategies/registry.hpp"

namespace meridian::engine {

namespace {
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}
}  // namespace

void Portfolio::journal_instance(const Instance& instance) {
  // The default instance is stored as the session's strategy.
  if (instance.view.config.id == kDefaultInstanceId) return;
  append_journal(InstanceRecord{instance.view.config, instance.view.state, instance.view.updated_at});
}

CommandResult Portfolio::add_instance(InstanceConfig config, std::uint64_t& id) {
  if (!valid_name(config.name))
    return CommandError{core::Errc::invalid_argument, "name must be 1-64 characters of letters, digits, _ - ."};
  if (strategies_.find(config.name))
    return CommandError{core::Errc::conflict, "a strategy named '" + config.name + "' already exists"};
  const auto* cls = strategies::find_strategy_class(config.strategy.class_name);
  if (!cls) return CommandError{core::Errc::invalid_argument, "unknown strategy class"};
  if (auto err = strategies::validate_params(*cls, config.strategy.params))
    return CommandError{core::Errc::invalid_argument, *err};
  if (config.symbols.empty()) return CommandError{core::Errc::invalid_argument, "symbols must not be empty"};
  for (auto s : config.symbols)
    if (s >= instruments_.size()) return CommandError{core::Errc::invalid_argument, "unknown symbol id"};
  config.id = strategies_.next_id();
  id = config.id;
  auto& added = strategies_.add(strategies_.make(std::move(config), InstanceState::added));
  dirty_ = true;
  journal_instance(added);
  return std::nullopt;
}

CommandResult Portfolio::instance_command(std::string_view name, InstanceCommand command) {
  Instance* inst = strategies_.find(name);
  if (!inst) return CommandError{core::Errc::not_found, "no strategy named '" + std::string(name) + "'"};
  if (inst->view.config.id == kDefaultInstanceId)
    return CommandError{core::Errc::conflict,
                        "the default strategy follows the trading session; use /api/trading/start|stop|pause|resume"};
  auto& state = inst->view.state;
  auto wrong_state = [&](std::string_view action) {
    return CommandError{core::Errc::conflict, "cannot " + std::string(action) + " strategy '" + std::string(name) +
                                                  "' while it is " + std::string(to_string(state))};
  };
  switch (command) {
    case InstanceCommand::init:
      if (state != InstanceState::added && state != InstanceState::stopped) return wrong_state("init");
      strategies_.warm(*inst);
      state = InstanceState::initialized;
      break;
    case InstanceCommand::start:
      if (state != InstanceState::initialized && state != InstanceState::stopped) return wrong_state("start");
      if (inst->view.disabled) strategies_.warm(*inst);
      state = InstanceState::running;
      break;
    case InstanceCommand::stop:
      if (state != InstanceState::running) return wrong_state("stop");
      state = InstanceState::stopped;
      break;
    case InstanceCommand::remove:
      if (state == InstanceState::running || state == InstanceState::removed) return wrong_state("remove");
      state = InstanceState::removed;
      break;
    case InstanceCommand::restore:
      if (state != InstanceState::removed) return wrong_state("restore");
      strategies_.reset(*inst);
      state = InstanceState::added;
      break;
    case InstanceCommand::erase: {
      if (state == InstanceState::running) return wrong_state("delete");
      for (std::size_t i = 0; i < inst->durable.positions().size(); ++i)
        if (!inst->live.positions()[i].quantity.is_zero())
          return CommandError{core::Errc::conflict,
                              "strategy '" + std::string(name) + "' still holds a position; it cannot be deleted"};
      const auto id = inst->view.config.id;
      strategies_.erase(*inst);
      append_journal(InstanceDeleted{id});
      dirty_ = true;
      return std::nullopt;
    }
  }
  strategies_.touch(*inst);
  journal_instance(*inst);
  return std::nullopt;
}

CommandResult Portfolio::patch_instance(std::uint64_t id, std::optional<bool> active,
                                        std::optional<StrategyConfig> strategy,
                                        std::optional<std::vector<core::SymbolId>> symbols) {
  Instance* inst = strategies_.find(id);
  if (!inst) return CommandError{core::Errc::not_found, "no strategy with id " + std::to_string(id)};
  if (inst->view.state == InstanceState::removed)
    return CommandError{core::Errc::conflict, "strategy is removed; restore it first"};
  if (strategy) {
    const auto* cls = strategies::find_strategy_class(strategy->class_name);
    if (!cls || strategy->class_name != inst->view.config.strategy.class_name)
      return CommandError{core::Errc::invalid_argument, "class cannot be changed; add a new strategy instead"};
    if (auto err = strategies::validate_params(*cls, strategy->params))
      return CommandError{core::Errc::invalid_argument, *err};
  }
  if (symbols) {
    if (symbols->empty()) return CommandError{core::Errc::invalid_argument, "symbols must not be empty"};
    for (auto s : *symbols)
      if (s >= instruments_.size()) return CommandError{core::Errc::invalid_argument, "unknown symbol id"};
  }
  if (id == kDefaultInstanceId) {
    // The default instance is the session's strategy: change it there.
    if (strategy) session_.strategy = *strategy;
    if (symbols) session_.symbols = *symbols;
    if (active) strategies_.default_instance().view.config.active = *active;
    if (strategy || symbols) {
      session_.updated_at = core::now();
      append_journal(session_);
      rebuild_strategy();
    }
    strategies_.touch(strategies_.default_instance());
    return std::nullopt;
  }
  if (active) inst->view.config.active = *active;
  if (symbols) {
    inst->view.config.symbols = *symbols;
    std::fill(inst->symbols.begin(), inst->symbols.end(), false);
    for (auto s : *symbols) inst->symbols[s] = true;
  }
  if (strategy || symbols) {
    if (strategy) inst->view.config.strategy = *strategy;
    const auto* cls = strategies::find_strategy_class(inst->view.config.strategy.class_name);
    inst->impl = cls->create(inst->view.config.strategy.params, instruments_.size());
    // New parameters need warm indicators again, unless the instance was never initialised.
    if (inst->view.state != InstanceState::added) strategies_.warm(*inst);
  }
  strategies_.touch(*inst);
  journal_instance(*inst);
  return std::nullopt;
}

}  // namespace meridian::engine
