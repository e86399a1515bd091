#pragma once
// POST /api/sentiment and GET /api/sentiment/{symbol} with their roles (routes_sentiment.cpp;
// #14 item 9). The store blocks on the database, so its calls run on the backend's own worker
// with a short queue (full: 503 busy), never on an I/O thread. `backend` null (no database):
// both answer 503, as backtests and alerts do.
#include <string>

#include "meridian/api/router.hpp"
#include "meridian/api/worker_pool.hpp"
#include "meridian/storage/sentiment_store.hpp"

namespace meridian::api {

struct ApiContext;

struct SentimentBackend {
  SentimentBackend(std::string database_url, bool may_write) : store(std::move(database_url)), writable(may_write) {}

  storage::SentimentStore store;
  bool writable;              // false on a read-only (standby) daemon: POST answers 503
  WorkerPool workers{1, 16};  // last: stopped first, while the store still exists
};

void add_sentiment_routes(Router& router, ApiContext& ctx, SentimentBackend* backend);

}  // namespace meridian::api
