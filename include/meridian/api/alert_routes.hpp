#pragma once
// GET/POST /api/alerts, DELETE /api/alerts/{id} with their roles (routes_alerts.cpp; the
// service: alerts/alert_service.hpp). `service` null (no database): each answers 503.
#include "meridian/api/api_context.hpp"
#include "meridian/api/router.hpp"

namespace meridian::alerts {
class AlertService;
}

namespace meridian::api {

void add_alert_routes(Router& router, ApiContext& ctx, alerts::AlertService* service);

}  // namespace meridian::api
