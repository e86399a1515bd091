#pragma once
// The one error vocabulary: why an expected operation failed (a command refused, an unknown
// id, a malformed field). Boundaries turn it into a clear JSON error or a log line.
//
// Contract: an Errc is a boost::system error code of the category named "meridian", so a
// `core::Result<T>` (boost::system::result<T>, error = error_code) carries it, and compares
// equal to it (`r.error() == Errc::not_found`). A boundary that must say more than the code
// (the API names the field at fault) uses `core::Result<T, E>` with its own E that holds an
// Errc (api::ApiError).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <type_traits>

namespace meridian::core {

enum class Errc {
  ok = 0,
  invalid_argument = 1,  // a client sent a value out of range or of the wrong type
  not_found,             // unknown symbol, id or route
  conflict,              // the request does not fit the current state
  unavailable,           // a dependency (database, venue) is down
  rejected,              // risk or venue refused an order
  parse_error,           // malformed input
  out_of_range,          // a number that does not fit the ledger (or its type): refused, never wrapped
  unauthenticated,       // no credentials, or credentials that are not valid (HTTP 401)
  forbidden,             // valid credentials without the role or ownership needed (HTTP 403)
  rate_limited,          // too many attempts: try again later (HTTP 429)
};

// "invalid_argument", "not_found", ...: the name of the enumerator ("unknown" for a value
// that is none of them).
const char* to_string(Errc e) noexcept;

// The category of Errc values; name() is "meridian", message(ev) is to_string.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// A value or why there is none.
template <class T, class E = boost::system::error_code>
using Result = boost::system::result<T, E>;

}  // namespace meridian::core

template <>
struct boost::system::is_error_code_enum<meridian::core::Errc> : std::true_type {};
