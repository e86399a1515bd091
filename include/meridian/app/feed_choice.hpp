#pragma once
// The market-data feed `serve` runs: --feed simulated (the default), csv (replay of
// --replay-file SYMBOL=PATH, one per symbol, at --replay-speed) or coinbase (live REST polling
// of the configured crypto symbols, --coinbase-url, --coinbase-poll-ms).
#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/engine/engine_runner.hpp"

namespace meridian::app {

// An empty factory means the simulated feed. The replay files are read here, before the
// engine starts, so a bad option or an unusable file stops start-up with a clear message:
// throws std::invalid_argument (a configuration error, exit code 2).
engine::EngineRunner::FeedFactory choose_feed(const Config& config, const core::InstrumentTable& instruments);

}  // namespace meridian::app
