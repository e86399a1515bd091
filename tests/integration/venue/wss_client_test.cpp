// The WSS client against a fake venue over loopback TLS: messages both ways, keepalive pings
// on a quiet connection, reconnect after a server close and after a stall (pings unanswered).
#include "meridian/transport/wss_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <mutex>

#include "client_rig.hpp"
#include "fake_venue.hpp"

using meridian::transport::WssClient;
using meridian::transport::WssOptions;
using namespace venue_test;
using namespace std::chrono;

namespace {

struct Events {
  std::mutex mutex;
  std::vector<std::string> messages;
  std::vector<std::string> disconnects;
  std::size_t opens = 0;
  template <class F>
  auto with(F f) {
    std::lock_guard lock(mutex);
    return f(*this);
  }
};

WssOptions options_for(const FakeWssVenue& venue, milliseconds idle) {
  WssOptions o;
  o.url = venue.url();
  o.tls.ca_file = test_cert_path();
  o.connect_timeout = seconds(2);
  o.idle_timeout = idle;
  o.backoff = {milliseconds(5), milliseconds(50), 2.0, 0.2};
  return o;
}

}  // namespace

TEST(WssClient, ExchangesMessagesAndPingsAQuietVenue) {
  FakeWssVenue venue([](std::size_t) { return WsBehaviour::echo; });
  ClientRig rig;
  Events ev;
  WssClient* self = nullptr;
  WssClient client(rig.strand, options_for(venue, milliseconds(200)),
                   {[&] {
                      ev.with([](Events& e) { return ++e.opens; });
                      self->send(R"({"type":"subscribe","product_ids":["BTC-USD"]})");
                    },
                    [&](std::string_view m) {
                      ev.with([&](Events& e) {
                        e.messages.emplace_back(m);
                        return 0;
                      });
                    },
                    [&](std::string_view why) {
                      ev.with([&](Events& e) {
                        e.disconnects.emplace_back(why);
                        return 0;
                      });
                    }});
  self = &client;
  rig.on_strand([&] { client.start(); });
  ASSERT_TRUE(eventually([&] { return ev.with([](Events& e) { return e.messages.size(); }) == 1; }));
  EXPECT_EQ(ev.with([](Events& e) { return e.messages[0]; }), R"({"type":"subscribe","product_ids":["BTC-USD"]})");
  // Quiet for several idle periods: the client's pings keep the connection, the venue answers them.
  ASSERT_TRUE(eventually([&] { return venue.pings() >= 3; }));
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(client.connects(), 1u);
  EXPECT_EQ(venue.connections(), 1u);
  EXPECT_TRUE(ev.with([](Events& e) { return e.disconnects.empty(); }));
  rig.on_strand([&] { client.stop(); });
  EXPECT_FALSE(client.connected());
}

TEST(WssClient, ReconnectsAfterTheServerCloses) {
  FakeWssVenue venue([](std::size_t n) { return n == 0 ? WsBehaviour::close_on_open : WsBehaviour::echo; });
  ClientRig rig;
  Events ev;
  WssClient* self = nullptr;
  WssClient client(rig.strand, options_for(venue, seconds(10)),
                   {[&] { self->send("hello"); },
                    [&](std::string_view m) {
                      ev.with([&](Events& e) {
                        e.messages.emplace_back(m);
                        return 0;
                      });
                    },
                    [&](std::string_view why) {
                      ev.with([&](Events& e) {
                        e.disconnects.emplace_back(why);
                        return 0;
                      });
                    }});
  self = &client;
  rig.on_strand([&] { client.start(); });
  ASSERT_TRUE(eventually([&] { return ev.with([](Events& e) { return e.messages.size(); }) == 1; }));
  EXPECT_EQ(client.connects(), 2u);
  EXPECT_EQ(venue.connections(), 2u);
  const auto why = ev.with([](Events& e) { return e.disconnects; });
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("closed by server (1001"), std::string::npos) << why[0];
  rig.on_strand([&] { client.stop(); });
}

TEST(WssClient, AStalledVenueIsDroppedAndReconnected) {
  FakeWssVenue venue([](std::size_t n) { return n == 0 ? WsBehaviour::silent : WsBehaviour::echo; });
  ClientRig rig;
  Events ev;
  WssClient* self = nullptr;
  WssClient client(rig.strand, options_for(venue, milliseconds(200)),
                   {[&] { self->send("hello"); },
                    [&](std::string_view m) {
                      ev.with([&](Events& e) {
                        e.messages.emplace_back(m);
                        return 0;
                      });
                    },
                    [&](std::string_view why) {
                      ev.with([&](Events& e) {
                        e.disconnects.emplace_back(why);
                        return 0;
                      });
                    }});
  self = &client;
  rig.on_strand([&] { client.start(); });
  ASSERT_TRUE(eventually([&] { return ev.with([](Events& e) { return e.messages.size(); }) == 1; }));
  EXPECT_EQ(venue.connections(), 2u);
  const auto why = ev.with([](Events& e) { return e.disconnects; });
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("stalled"), std::string::npos) << why[0];
  rig.on_strand([&] { client.stop(); });
}

TEST(WssClient, UntrustedCertificateFailsAndKeepsRetrying) {
  FakeWssVenue venue([](std::size_t) { return WsBehaviour::echo; });
  ClientRig rig;
  Events ev;
  auto o = options_for(venue, seconds(10));
  o.tls.ca_file.clear();
  WssClient client(rig.strand, o,
                   {[&] { ev.with([](Events& e) { return ++e.opens; }); },
                    {},
                    [&](std::string_view why) {
                      ev.with([&](Events& e) {
                        e.disconnects.emplace_back(why);
                        return 0;
                      });
                    }});
  rig.on_strand([&] { client.start(); });
  ASSERT_TRUE(eventually([&] { return ev.with([](Events& e) { return e.disconnects.size(); }) >= 2; }));
  rig.on_strand([&] { client.stop(); });
  EXPECT_EQ(client.connects(), 0u);
  EXPECT_FALSE(client.connected());
  EXPECT_NE(ev.with([](Events& e) { return e.disconnects[0]; }).find("TLS handshake"), std::string::npos);
}

TEST(WssClient, RejectsNonWssUrls) {
  ClientRig rig;
  WssOptions o;
  o.url = "https://127.0.0.1/stream";
  EXPECT_THROW(WssClient(rig.strand, o, {}), std::invalid_argument);
  o.url = "ws://127.0.0.1/stream";
  EXPECT_THROW(WssClient(rig.strand, o, {}), std::invalid_argument);
}
