#pragma once
// What a failed write means, for the writers that retry (the journal, the audit trail). Private
// to storage.
#include <exception>
#include <pqxx/pqxx>
#include <string>

namespace meridian::storage {

// A record the database refuses for its data (SQLSTATE class 22 data exception, 23 integrity
// constraint, P0 raised by a trigger) fails the same way on every retry: refused. Anything else
// (a lost connection, a server shutting down, a deadlock, out of resources) may pass on a
// retry: transient.
enum class Failure { transient, refused };

inline Failure classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return Failure::transient;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const auto state = sql->sqlstate();
    const auto cls = state.substr(0, 2);
    return cls == "22" || cls == "23" || cls == "P0" ? Failure::refused : Failure::transient;
  }
  // Not from the server: a record the writer cannot encode (a conversion error) fails the
  // same way every time.
  if (dynamic_cast<const pqxx::failure*>(&e)) return Failure::transient;
  return Failure::refused;
}

// The SQLSTATE of a server error; empty for anything else.
inline std::string sqlstate_of(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql ? sql->sqlstate() : std::string();
}

}  // namespace meridian::storage
