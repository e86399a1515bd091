#pragma once
// Where each portfolio's orders go (issue 15): the paper executor, or a live gateway (alpaca:
// Alpaca's trading API at --alpaca-url / --alpaca-stream-url, keys from APCA_API_KEY_ID /
// APCA_API_SECRET_KEY or the config file; binance: Binance spot, or its testnet with
// --binance-testnet, keys from BINANCE_API_KEY / BINANCE_SECRET_KEY or the config file). A
// portfolio is bound to a gateway explicitly, never by default: --gateway alpaca|binance binds
// --gateway-portfolio at start, POST /api/gateway/connect
// binds any portfolio while the daemon runs, /disconnect unbinds. What the API binds is
// remembered over restarts in `bindings_file` (the state directory's gateway-bindings.json)
// and wins over the flags, so a restart with the same flags brings every portfolio back on the
// executor its open orders are at.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/api/gateway_routes.hpp"
#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/engine/engine_runner.hpp"
#include "meridian/execution/executor_switch.hpp"
#include "meridian/execution/gateway_status.hpp"
#include "meridian/execution/paper_executor.hpp"

namespace meridian::app {

class GatewayBindings final : public api::GatewayControl {
 public:
  // Throws std::invalid_argument (a configuration error, exit code 2) for --gateway alpaca
  // without keys or with unusable URLs, an unreadable bindings file, or a binding to a gateway
  // this configuration cannot build. `bindings_file` empty: nothing is remembered.
  GatewayBindings(const Config& config, const core::InstrumentTable& instruments,
                  std::shared_ptr<execution::GatewayBoard> board, std::filesystem::path bindings_file = {});
  ~GatewayBindings() override;

  // The executor factory for EngineRunner: each portfolio gets a switch holding its bound
  // executor (paper unless bound). Must outlive the runner's portfolios (declared before it).
  engine::EngineRunner::ExecutorFactory factory();

  // Engine strand (GatewayControl): binds a portfolio that has joined and has no open order.
  engine::CommandResult connect(engine::PortfolioId portfolio, std::string_view gateway) override;
  std::string_view bound(engine::PortfolioId portfolio) const override;

 private:
  struct Joined {
    execution::ExecutorSwitch* executor;
    boost::asio::any_io_executor strand;
  };
  // A live venue as configured: how to build its gateway for a portfolio, or why it cannot be
  // built (keys or URLs missing or unsafe: empty when it can).
  struct Venue {
    std::string problem;
    std::function<std::unique_ptr<execution::Executor>(engine::PortfolioId, boost::asio::any_io_executor)> make;
  };
  // The venue named `gateway` ("alpaca", "binance"); null for paper or an unknown name.
  const Venue* venue(std::string_view gateway) const;
  std::unique_ptr<execution::Executor> make(std::string_view gateway, engine::PortfolioId portfolio,
                                            boost::asio::any_io_executor strand) const;
  void save() const;

  const core::InstrumentTable& instruments_;
  execution::PaperConfig paper_;
  std::map<std::string, Venue, std::less<>> venues_;  // alpaca, binance
  std::filesystem::path file_;
  std::string flag_gateway_;                                    // --gateway (paper: none bound)
  engine::PortfolioId flag_bound_ = 0;                          // --gateway's portfolio (0: none)
  std::map<engine::PortfolioId, std::string> api_bound_;        // what the API bound: the file's contents
  std::map<engine::PortfolioId, Joined> joined_;                // portfolios in the runner now (strand)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // switches outliving us forget nothing
};

}  // namespace meridian::app
