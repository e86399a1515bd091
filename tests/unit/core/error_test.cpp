#include "meridian/core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace meridian::core {
namespace {

TEST(Error, ErrcIsAnErrorCodeOfTheMeridianCategory) {
  const boost::system::error_code ec = Errc::not_found;  // implicit: is_error_code_enum
  EXPECT_TRUE(ec.failed());
  EXPECT_EQ(ec.value(), static_cast<int>(Errc::not_found));
  EXPECT_STREQ(ec.category().name(), "meridian");
  EXPECT_EQ(ec.message(), "not_found");
  EXPECT_EQ(ec, Errc::not_found);
  EXPECT_NE(ec, Errc::conflict);
  EXPECT_EQ(&ec.category(), &error_category());
}

TEST(Error, OkIsNotAFailure) {
  const boost::system::error_code ec = make_error_code(Errc::ok);
  EXPECT_FALSE(ec.failed());
}

TEST(Error, EveryErrcHasItsName) {
  EXPECT_STREQ(to_string(Errc::invalid_argument), "invalid_argument");
  EXPECT_STREQ(to_string(Errc::unavailable), "unavailable");
  EXPECT_STREQ(to_string(Errc::rejected), "rejected");
  EXPECT_STREQ(to_string(Errc::parse_error), "parse_error");
  EXPECT_STREQ(to_string(Errc::out_of_range), "out_of_range");
  EXPECT_STREQ(to_string(Errc::unauthenticated), "unauthenticated");
  EXPECT_STREQ(to_string(Errc::forbidden), "forbidden");
  EXPECT_STREQ(to_string(Errc::rate_limited), "rate_limited");
  EXPECT_STREQ(to_string(static_cast<Errc>(99)), "unknown");
  char buffer[8];
  EXPECT_STREQ(error_category().message(static_cast<int>(Errc::rejected), buffer, sizeof buffer), "rejected");
}

TEST(Error, ResultCarriesAValueOrAnErrc) {
  auto half = [](int v) -> Result<int> {
    if (v % 2) return Errc::invalid_argument;
    return v / 2;
  };
  auto ok = half(4);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), Errc::invalid_argument);
  EXPECT_THROW((void)bad.value(), boost::system::system_error);
}

TEST(Error, ResultWithADetailedError) {
  struct Detail {
    Errc code;
    std::string field;
  };
  Result<int, Detail> r{boost::system::in_place_error, Detail{Errc::out_of_range, "quantity"}};
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code, Errc::out_of_range);
  EXPECT_EQ(r.error().field, "quantity");
}

}  // namespace
}  // namespace meridian::core
