// The native TLS listener end to end (issue 13 item 8): meridiand with --tls-cert/--tls-key and
// a certificate made for the test (no database: these are transport checks).
//   Tls:       one daemon: HTTPS answers with HSTS, wss:// greets, the own origins are https://;
//              a plain-HTTP request gets a plain refusal, TLS 1.1 is refused, a client that
//              never completes its handshake is dropped, and HTTPS still works after each.
//   TlsConfig: configurations refused before listening (exit 2): one file of the pair alone, a
//              key others may read, a key of another certificate.
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <fstream>
#include <memory>

#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "test_certificate.hpp"

namespace meridian::e2e {
namespace {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

struct CredentialFiles {
  fs::path certificate;
  fs::path key;
};

// A fresh certificate and key in `dir`, the key with `key_mode`.
CredentialFiles write_credentials(const fs::path& dir, const std::string& name, mode_t key_mode = 0600) {
  const auto made = testing::make_test_certificate();
  CredentialFiles files{dir / (name + ".crt"), dir / (name + ".key")};
  std::ofstream(files.certificate) << made.certificate;
  std::ofstream(files.key) << made.key;
  ::chmod(files.key.c_str(), key_mode);
  return files;
}

// A client that trusts only `ca` and checks that the certificate names 127.0.0.1; OpenSSL's
// default protocol range.
std::unique_ptr<ssl::context> trusting_client(const fs::path& ca) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->load_verify_file(ca.string());
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  return ctx;
}

// A client that offers TLS 1.0 and 1.1 only (security level 0, which OpenSSL 3 needs for them).
std::unique_ptr<ssl::context> tls11_client() {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_security_level(ctx->native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx->native_handle(), TLS1_1_VERSION);
  ctx->set_verify_mode(ssl::verify_none);
  return ctx;
}

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("meridian-tls-");
    files_ = write_credentials(dir_->path(), "server");
    client_ = trusting_client(files_.certificate);
    DaemonOptions options;
    // A short read timeout: it is also how long a TLS handshake may take.
    options.extra_args = {"--tls-cert",        files_.certificate.string(), "--tls-key",
                          files_.key.string(), "--read-timeout-ms",         "1000"};
    try {
      daemon_ = std::make_unique<Daemon>(options);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    if (daemon_ && daemon_->running()) {
      const auto status = daemon_->stop(SIGTERM);
      if (!status || *status != 0) ADD_FAILURE() << "meridiand did not exit with 0 after SIGTERM";
    }
    daemon_.reset();
    client_.reset();
    dir_.reset();
  }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << "meridiand did not start with TLS: " << error_; }
  void TearDown() override {
    if (!daemon_) return;
    ASSERT_TRUE(daemon_->running()) << "meridiand exited during the test:\n" << daemon_->output();
    if (HasFailure()) print_output("meridiand", *daemon_);
  }

  static std::uint16_t port() { return daemon_->port(); }
  static HttpResponse https(const std::string& method, const std::string& target, Headers headers = {}) {
    HttpRequest request{method, target, {}, std::move(headers)};
    return https_request(port(), request, *client_);
  }
  // The daemon answers HTTPS (after something that must not have disturbed it).
  static bool serves_https() {
    return poll_until(
        [] {
          try {
            return https("GET", "/health").status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        kDeadline);
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline CredentialFiles files_;
  static inline std::unique_ptr<ssl::context> client_;
  static inline std::unique_ptr<Daemon> daemon_;
  static inline std::string error_;
};

TEST_F(Tls, HttpsAnswersWithStrictTransportSecurity) {
  ASSERT_TRUE(serves_https());
  for (const char* target : {"/health", "/api/trading/status", "/", "/no/such/page"}) {
    const auto res = https("GET", target);
    EXPECT_NE(res.status, 0) << target;
    EXPECT_EQ(res.header("Strict-Transport-Security"), "max-age=31536000") << target;
    EXPECT_EQ(res.header("X-Content-Type-Options"), "nosniff") << target;  // the other headers stay
  }
  EXPECT_EQ(https("GET", "/health").status, 200);
  EXPECT_EQ(https("GET", "/no/such/page").status, 404);
}

TEST_F(Tls, WssGreetsTheClient) {
  ASSERT_TRUE(serves_https());
  const auto hello = wss_first_message(port(), "/ws", *client_);
  ASSERT_TRUE(hello.is_object()) << hello.dump();
  EXPECT_EQ(hello.value("type", ""), "connected");
  const auto stream = wss_first_message(port(), "/ws/stream/BTC-USD", *client_);
  EXPECT_EQ(stream.value("type", ""), "connected");
  EXPECT_EQ(stream.value("symbol", ""), "BTC-USD");
}

TEST_F(Tls, TheOwnOriginsAreHttps) {
  ASSERT_TRUE(serves_https());
  const auto own = "https://localhost:" + std::to_string(port());
  const auto plain = "http://localhost:" + std::to_string(port());
  // A state-changing request to no route: past the origin check it is a 404.
  expect_error(https("POST", "/api/no-such-route", {{"Origin", own}}), 404, "not_found", own);
  expect_error(https("POST", "/api/no-such-route", {{"Origin", plain}}), 403, "origin_not_allowed", plain);
}

TEST_F(Tls, PlainHttpGetsAPlainRefusalAndHttpsGoesOn) {
  ASSERT_TRUE(serves_https());
  const auto exchange = raw_exchange(port(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_TRUE(exchange.received.starts_with("HTTP/1.1 400")) << exchange.received;
  EXPECT_NE(exchange.received.find("tls_required"), std::string::npos) << exchange.received;
  EXPECT_TRUE(exchange.closed_by_peer);
  EXPECT_EQ(http_get(port(), "/health").status, 400);  // never a plain 200
  EXPECT_TRUE(serves_https());
}

TEST_F(Tls, Tls11IsRefused) {
  ASSERT_TRUE(serves_https());
  auto old = tls11_client();
  try {
    https_request(port(), HttpRequest{"GET", "/health", {}, {}}, *old);
    ADD_FAILURE() << "a TLS 1.1 client got an answer";
  } catch (const std::runtime_error& e) {
    // The server's refusal (a protocol_version alert), not a client that could not offer 1.1.
    EXPECT_NE(std::string(e.what()).find("protocol version"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(serves_https());
}

TEST_F(Tls, AClientThatNeverCompletesItsHandshakeIsDropped) {
  ASSERT_TRUE(serves_https());
  // Silent after connecting, and silent after the first bytes of a TLS record: both are closed
  // by the daemon (read timeout 1 s) well before the client's own deadline.
  for (const std::string& bytes : {std::string(), std::string("\x16\x03\x01", 3)}) {
    const auto exchange = raw_exchange(port(), bytes, std::chrono::seconds(10));
    EXPECT_TRUE(exchange.closed_by_peer) << bytes.size() << " bytes sent";
    EXPECT_TRUE(exchange.received.empty()) << bytes.size() << " bytes sent";
  }
  EXPECT_TRUE(serves_https());
}

int serve_exit_code(const std::vector<std::string>& args) {
  TempDir dir("meridian-tlscfg-");
  std::vector<std::string> argv{"serve", "--port", "0", "--log-level", "warn"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_meridiand(dir, argv).exit_code;
}

TEST(TlsConfig, OneFileOfThePairAloneIsRefused) {
  TempDir dir("meridian-tlscfg-");
  const auto files = write_credentials(dir.path(), "server");
  EXPECT_EQ(serve_exit_code({"--tls-cert", files.certificate.string()}), 2);
  EXPECT_EQ(serve_exit_code({"--tls-key", files.key.string()}), 2);
}

TEST(TlsConfig, AKeyOthersMayReadIsRefused) {
  TempDir dir("meridian-tlscfg-");
  const auto files = write_credentials(dir.path(), "server", 0640);
  EXPECT_EQ(serve_exit_code({"--tls-cert", files.certificate.string(), "--tls-key", files.key.string()}), 2);
}

TEST(TlsConfig, AKeyOfAnotherCertificateIsRefused) {
  TempDir dir("meridian-tlscfg-");
  const auto one = write_credentials(dir.path(), "one");
  const auto other = write_credentials(dir.path(), "other");
  EXPECT_EQ(serve_exit_code({"--tls-cert", one.certificate.string(), "--tls-key", other.key.string()}), 2);
}

}  // namespace
}  // namespace meridian::e2e
