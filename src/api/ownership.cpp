#include "meridian/api/ownership.hpp"
#include "meridian/api/user_ownership.hpp"

namespace meridian::api {

bool may_see(const auth::Principal& who, const engine::PortfolioEntry& portfolio, bool enforce) noexcept {
  if (!enforce) return true;
  if (who.anonymous() || !who.in_scope(portfolio.id)) return false;
  if (who.role == auth::Role::admin) return true;
  // owner_id 0 is "no owner", never the anonymous user's: checked above, and here again.
  return portfolio.owner_id != 0 && portfolio.owner_id == who.user_id;
}

bool may_see(const auth::Principal& who, const engine::PortfolioEntry& portfolio, bool enforce,
             std::optional<std::int64_t> owner) noexcept {
  return may_see(who, portfolio, enforce) && (!owner || portfolio.owner_id == *owner);
}

bool may_see_owned(const auth::Principal& who, std::int64_t owner, bool enforce) noexcept {
  if (!enforce) return true;
  if (who.anonymous()) return false;
  if (who.role == auth::Role::admin) return true;
  return owner != 0 && owner == who.user_id;
}

std::int64_t owner_of_new(const auth::Principal& who, bool enforce) noexcept {
  return enforce ? who.user_id : 0;
}

bool may_filter_by_owner(const auth::Principal& who, bool enforce) noexcept {
  return enforce && !who.anonymous() && who.role == auth::Role::admin;
}

const engine::PortfolioEntry* default_for(const auth::Principal& who, const engine::PortfolioDirectory& directory,
                                          engine::PortfolioId default_id, bool enforce,
                                          std::optional<std::int64_t> owner) noexcept {
  const engine::PortfolioEntry* first = nullptr;
  for (const auto& e : directory) {
    if (!may_see(who, e, enforce, owner)) continue;
    if (e.id == default_id) return &e;
    if (!first || e.id < first->id) first = &e;
  }
  return first;
}

}  // namespace meridian::api
