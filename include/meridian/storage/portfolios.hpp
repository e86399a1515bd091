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
  std::int64_t owner_id = 0;  // the user who owns it (sql/011); 0: none, the admins'
};

// A live portfolio already has the name (names are unique among portfolios not deleted).
struct PortfolioNameTaken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Portfolios not deleted, by id. Throws when the database cannot be reached.
std::vector<StoredPortfolio> list_portfolios(const std::string& database_url);

// Inserts a paper portfolio owned by `owner_id` (0: no owner), with cash = initial cash;
// answers the stored row (its new id). Its user_id is the default user's, as every row's.
// Throws PortfolioNameTaken, or what the database throws (an unknown owner among it).
StoredPortfolio create_portfolio(const std::string& database_url, const std::string& name, const std::string& currency,
                                 core::Money initial_cash, std::int64_t owner_id = 0);

// Marks the portfolio deleted (deleted_at = now()); false when there is no such live
// portfolio. The caller has stopped its writer and released its lock.
bool delete_portfolio(const std::string& database_url, std::int64_t id);

}  // namespace meridian::storage
