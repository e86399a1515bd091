#pragma once
// The portfolios of a database (POST/GET/DELETE /api/portfolios, and every start): their
// stored rows. A portfolio's id comes from the portfolios sequence, so it is never reused, and
// deleting marks the row (deleted_at) rather than removing it: its trades and orders stay, and
// its name is free again. Each portfolio's trading state is recovered by load_state and written
// by its own JournalWriter under its own PortfolioLock.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "meridian/core/fixed.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct StoredPortfolio {
  std::int64_t id = 0;
  std::string name;
  std::string currency = "USD";
  std::string kind = "paper";  // paper | live
  core::Money initial_cash{};
  core::Timestamp created_at{};
};

// A live portfolio already has the name (names are unique among portfolios not deleted).
struct PortfolioNameTaken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Portfolios not deleted, by id. Throws when the database cannot be reached.
std::vector<StoredPortfolio> list_portfolios(const std::string& database_url);

// Inserts a paper portfolio owned by the default user, with cash = initial cash; answers the
// stored row (its new id). Throws PortfolioNameTaken, or what the database throws.
StoredPortfolio create_portfolio(const std::string& database_url, const std::string& name, const std::string& currency,
                                 core::Money initial_cash);

// Marks the portfolio deleted (deleted_at = now()); false when there is no such live
// portfolio. The caller has stopped its writer and released its lock.
bool delete_portfolio(const std::string& database_url, std::int64_t id);

}  // namespace meridian::storage
