// Webhook signatures against a vector computed elsewhere (Python's hmac), and the
// retry schedule a delivery follows.
#include <gtest/gtest.h>

#include "meridian/alerts/webhook.hpp"

namespace meridian::alerts {
namespace {

using namespace std::chrono_literals;

TEST(WebhookSignature, MatchesAVectorComputedByPython) {
  // hmac.new(b"whsec_0123456789abcdef", b'1700000000.{"type":"alert"}', hashlib.sha256).hexdigest()
  EXPECT_EQ(webhook_signature("whsec_0123456789abcdef", "1700000000", R"({"type":"alert"})"),
            "sha256=7c1d42fde69805f080e867cab68fd805c2d7768a5ed131ea9330bd2d3ca21860");
}

TEST(WebhookSignature, DependsOnSecretTimestampAndBody) {
  const auto base = webhook_signature("secret-one-0123456", "1700000000", "{}");
  EXPECT_NE(base, webhook_signature("secret-two-0123456", "1700000000", "{}"));
  EXPECT_NE(base, webhook_signature("secret-one-0123456", "1700000001", "{}"));
  EXPECT_NE(base, webhook_signature("secret-one-0123456", "1700000000", "{ }"));
  EXPECT_EQ(base.size(), 7u + 64u);
}

TEST(WebhookBackoff, DoublesFromTheFirstDelayUpToTheMaximum) {
  transport::BackoffConfig c{500ms, 3000ms, 2.0, 0.2};
  EXPECT_EQ(backoff_schedule(c, 5), (std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms, 3000ms}));
  EXPECT_TRUE(backoff_schedule(c, 1).empty()) << "one attempt: no retry";
}

}  // namespace
}  // namespace meridian::alerts
