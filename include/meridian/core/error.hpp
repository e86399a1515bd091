#pragma once
// Meridian's error category: expected failures travel as boost::system::result<T>.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>

namespace meridian::core {

enum class Errc {
  ok = 0,
  invalid_argument = 1,  // a client sent a value out of range or of the wrong type
  not_found,             // unknown symbol, id or route
  conflict,              // the request does not fit the current state
  unavailable,           // a dependency (database, venue) is down
  rejected,              // risk or venue refused an order
  parse_error,           // malformed input
};

const boost::system::error_category& meridian_category() noexcept;
inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), meridian_category()};
}

template <class T>
using Result = boost::system::result<T>;

}  // namespace meridian::core

namespace boost::system {
template <>
struct is_error_code_enum<meridian::core::Errc> : std::true_type {};
}  // namespace boost::system
