#pragma once
// GET /api/ai/decision/{symbol}, GET /api/ai/decisions, POST /api/ai/decision/execute with their
// roles (routes_ai.cpp; the computing and storing: decisions.hpp). `decisions` null (no
// database): each answers 503.
#include "meridian/api/decisions.hpp"
#include "meridian/api/router.hpp"

namespace meridian::api {

void add_decision_routes(Router& router, ApiContext& ctx, Decisions* decisions);

}  // namespace meridian::api
