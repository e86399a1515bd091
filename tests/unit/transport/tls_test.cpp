// The server context of the daemon's TLS listener: what it accepts, and what it refuses at
// start-up (transport/tls.hpp).
#include "meridian/transport/tls.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include "test_certificate.hpp"

namespace meridian::transport {
namespace {

using testing::make_test_certificate;

TEST(ServerTls, SpeaksTls12AndNewerWithoutCompressionOrRenegotiation) {
  const auto cred = make_test_certificate();
  auto ctx = make_server_tls(cred.certificate, cred.key);
  SSL_CTX* native = ctx->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  const auto options = SSL_CTX_get_options(native);
  EXPECT_NE(options & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(options & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST(ServerTls, OffersOnlyForwardSecretAeadSuitesBelowTls13) {
  const auto cred = make_test_certificate();
  auto ctx = make_server_tls(cred.certificate, cred.key);
  SSL* ssl = SSL_new(ctx->native_handle());
  ASSERT_NE(ssl, nullptr);
  const STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
  ASSERT_GT(sk_SSL_CIPHER_num(ciphers), 0);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    const std::string name = SSL_CIPHER_get_name(c);
    if (std::string(SSL_CIPHER_get_version(c)) == "TLSv1.3") continue;  // all forward-secret AEAD
    EXPECT_EQ(SSL_CIPHER_get_kx_nid(c), NID_kx_ecdhe) << name;
    EXPECT_TRUE(SSL_CIPHER_is_aead(c)) << name;
  }
  SSL_free(ssl);
}

TEST(ServerTls, RefusesAKeyOfAnotherCertificate) {
  const auto one = make_test_certificate();
  const auto other = make_test_certificate();
  EXPECT_THROW(make_server_tls(one.certificate, other.key), std::invalid_argument);
}

TEST(ServerTls, RefusesAnEncryptedKeyInsteadOfPromptingForItsPassphrase) {
  const auto cred = make_test_certificate("passphrase");
  ASSERT_NE(cred.key.find("ENCRYPTED"), std::string::npos);
  EXPECT_THROW(make_server_tls(cred.certificate, cred.key), std::invalid_argument);
}

TEST(ServerTls, RefusesTextThatIsNoCertificateOrKey) {
  const auto cred = make_test_certificate();
  EXPECT_THROW(make_server_tls("not a certificate", cred.key), std::invalid_argument);
  EXPECT_THROW(make_server_tls(cred.certificate, "not a key"), std::invalid_argument);
  EXPECT_THROW(make_server_tls(cred.key, cred.key), std::invalid_argument);
}

}  // namespace
}  // namespace meridian::transport
