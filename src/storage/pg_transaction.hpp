#pragma once
// One short transaction on a connection of its own, for the stores whose calls are rare and
// independent (backtest results, alerts): `body(tx)` runs, the transaction commits, and any
// failure (connection, SQL, commit) is logged once, naming the store and the step, and comes
// back as core::Errc::unavailable, never as an exception.
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <utility>

#include "meridian/core/error.hpp"
#include "storage_log.hpp"

namespace meridian::storage::pg {

template <class F>
auto in_transaction(const std::string& url, const char* store, const char* what, F&& body)
    -> core::Result<decltype(body(std::declval<pqxx::work&>()))> {
  try {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    if constexpr (std::is_void_v<decltype(body(tx))>) {
      body(tx);
      tx.commit();
      return {};
    } else {
      auto out = body(tx);
      tx.commit();
      return out;
    }
  } catch (const std::exception& e) {
    storage_log()->warn("{}: cannot {}: {}", store, what, e.what());
    return core::Errc::unavailable;
  }
}

}  // namespace meridian::storage::pg
