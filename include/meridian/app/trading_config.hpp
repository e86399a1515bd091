#pragma once
// The paper executor's, the risk engine's and the alert webhooks' settings from meridiand's
// configuration.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "meridian/alerts/webhook.hpp"
#include "meridian/app/config.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/risk/pre_trade.hpp"

namespace meridian::app {

// "crypto=2:5" -> {"crypto", maker 2 bps, taker 5 bps}; nullopt with `error` set otherwise.
std::optional<std::pair<std::string, execution::FeeSchedule>> parse_venue_fee(std::string_view text,
                                                                              std::string& error);
execution::PaperConfig paper_config(const Config& c);
risk::Limits risk_limits(const Config& c);
// The retry policy (timeout, attempts, backoff); the concurrency bounds keep their defaults.
alerts::WebhookLimits webhook_limits(const Config& c);

}  // namespace meridian::app
