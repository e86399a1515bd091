#pragma once
// The latency histograms of /metrics (Prometheus text 0.0.4, histogram type): HTTP request
// duration by route (routes that answered at least once) and the journal's commit duration.
// routes_stats.cpp holds them beside GET /api/stats, which reads the same counters.
#include <string>

#include "meridian/api/api_context.hpp"
#include "meridian/api/router.hpp"

namespace meridian::api {

void append_latency_metrics(std::string& out, const Router& router, const ApiContext& ctx);

}  // namespace meridian::api
