#pragma once
// Where `serve` sends orders (--gateway): paper (every portfolio on the paper executor, the
// default) or alpaca (the default portfolio through Alpaca's trading API, --alpaca-url and
// --alpaca-stream-url, keys from APCA_API_KEY_ID / APCA_API_SECRET_KEY or the config file).
// Binding other portfolios (POST /api/gateway/connect) is issue 15's next slice.
#include <memory>

#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/engine/engine_runner.hpp"
#include "meridian/execution/gateway_status.hpp"

namespace meridian::app {

// The executor factory for EngineRunner. With alpaca, the first executor it builds (the default
// portfolio's: EngineRunner's constructor makes that portfolio first) is the gateway, which
// publishes its status to `board`; every later one is paper. Throws std::invalid_argument (a
// configuration error, exit code 2) for a gateway without keys or with unusable URLs.
engine::EngineRunner::ExecutorFactory choose_executor(const Config& config, const core::InstrumentTable& instruments,
                                                      std::shared_ptr<execution::GatewayBoard> board);

}  // namespace meridian::app
