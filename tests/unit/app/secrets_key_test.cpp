// Where the master key of broker credentials comes from (MERIDIAN_SECRETS_KEY here; the file's
// mode checks are read_secret_file's, and the e2e tests run them), and what is refused without
// ever showing the key.
#include "meridian/app/secrets_key.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "meridian/app/config.hpp"

namespace meridian::app {
namespace {

constexpr const char* kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// Sets MERIDIAN_SECRETS_KEY for one test (unset: nullptr), and restores it.
class SecretsKeyEnv {
 public:
  explicit SecretsKeyEnv(const char* value) {
    if (const char* old = std::getenv(kSecretsKeyEnv)) saved_ = old;
    if (value)
      ::setenv(kSecretsKeyEnv, value, 1);
    else
      ::unsetenv(kSecretsKeyEnv);
  }
  ~SecretsKeyEnv() {
    if (saved_)
      ::setenv(kSecretsKeyEnv, saved_->c_str(), 1);
    else
      ::unsetenv(kSecretsKeyEnv);
  }

 private:
  std::optional<std::string> saved_;
};

std::string problem(const Config& c) {
  try {
    configured_secrets_key(c);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

TEST(SecretsKey, NoneConfiguredIsNoBox) {
  SecretsKeyEnv env(nullptr);
  Config c;
  EXPECT_EQ(configured_secrets_key(c), "");
  EXPECT_EQ(secrets_box(c), nullptr);
}

TEST(SecretsKey, TheEnvironmentGivesTheKey) {
  SecretsKeyEnv env((std::string(kKeyHex) + "\n").c_str());
  Config c;
  c.secrets_key = configured_secrets_key(c);
  EXPECT_EQ(c.secrets_key, kKeyHex);
  const auto box = secrets_box(c);
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->key_id(), auth::SecretBox::from_text(kKeyHex).value().key_id());
}

TEST(SecretsKey, ABadKeyIsRefusedWithoutShowingIt) {
  const std::string weak(64, 'a');  // one byte repeated
  for (const std::string& bad : {std::string("not-a-key-at-all-but-long-enough-0123456789"), weak}) {
    SecretsKeyEnv env(bad.c_str());
    const auto why = problem(Config{});
    EXPECT_NE(why.find(kSecretsKeyEnv), std::string::npos) << why;
    EXPECT_EQ(why.find(bad), std::string::npos) << why;
  }
}

TEST(SecretsKey, BothTheEnvironmentAndAFileAreRefused) {
  SecretsKeyEnv env(kKeyHex);
  Config c;
  c.secrets_key_file = "/nonexistent/secrets-key";
  const auto why = problem(c);
  EXPECT_NE(why.find("both"), std::string::npos) << why;
  EXPECT_EQ(why.find(kKeyHex), std::string::npos) << why;
}

TEST(SecretsKey, AMissingFileIsRefused) {
  SecretsKeyEnv env(nullptr);
  Config c;
  c.secrets_key_file = "/nonexistent/secrets-key";
  EXPECT_NE(problem(c).find("/nonexistent/secrets-key"), std::string::npos);
}

}  // namespace
}  // namespace meridian::app
