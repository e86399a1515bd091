#pragma once
// The default user and portfolio rows a first start creates (shared by recovery and the
// portfolio lock, which claims the portfolio before recovery reads it).
#include <cstdint>
#include <pqxx/pqxx>

#include "meridian/core/fixed.hpp"

namespace meridian::storage {

// The demo user every portfolio a daemon creates belongs to (created on first use; its
// capital is set only then); answers its id.
std::int64_t ensure_default_user(pqxx::work& tx, core::Money capital);

void ensure_portfolio(pqxx::work& tx, std::int64_t portfolio_id, core::Money initial_capital);

}  // namespace meridian::storage
