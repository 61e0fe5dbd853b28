package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;

class KeysTest {
  static final SigningKey KEY =
      Keys.generate(
          Keys.Algorithm.RSA_3072,
          "CN=PEM Publisher",
          Instant.parse("2025-01-01T00:00:00Z"),
          Duration.ofDays(30));

  static byte[] pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void readsPlainAndEncryptedPkcs8PemKeysWithTheirCertificate() throws Exception {
    byte[] cert = pem(KEY.certificate());
    SigningKey plain = Keys.fromPem(pem(KEY.key()), cert, null, "key.pem");
    assertThat(plain.key().getEncoded()).isEqualTo(KEY.key().getEncoded());
    var enc =
        new JcaPKCS8Generator(
            KEY.key(),
            new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword("s3cret".toCharArray())
                .build());
    byte[] encrypted = pem(enc.generate());
    assertThat(Keys.fromPem(encrypted, cert, "s3cret".toCharArray(), "key.pem").certificate())
        .isEqualTo(KEY.certificate());
    assertThatThrownBy(() -> Keys.fromPem(encrypted, cert, null, "key.pem"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("is encrypted");
    assertThatThrownBy(() -> Keys.fromPem(encrypted, cert, "wrong".toCharArray(), "key.pem"))
        .isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Keys.fromPem("nothing".getBytes(), cert, null, "key.pem"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no PEM private key");
    // A manifest signed with the PEM-loaded RSA key verifies.
    byte[] sig = ManifestSignature.sign("{}".getBytes(), plain);
    ManifestSignature.verify("{}".getBytes(), sig, KEY.certificate());
  }

  @Test
  void refusesAKeyWithAnotherKeysCertificate() throws Exception {
    SigningKey other =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Other",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(30));
    assertThatThrownBy(
            () -> Keys.fromPem(pem(KEY.key()), pem(other.certificate()), null, "key.pem"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("does not belong to the certificate");
    assertThatThrownBy(
            () -> Keys.fromPem(pem(KEY.certificate()), pem(KEY.certificate()), null, "c.pem"))
        .hasMessageContaining("holds a certificate, not a private key");
    assertThatThrownBy(
            () -> Keys.generate(Keys.Algorithm.EC_P256, "", Instant.now(), Duration.ofDays(1)))
        .isInstanceOf(UsageException.class);
  }

  @Test
  void parsesAlgorithmNames() {
    assertThat(Keys.Algorithm.parse("EC-P256")).isEqualTo(Keys.Algorithm.EC_P256);
    assertThatThrownBy(() -> Keys.Algorithm.parse("dsa"))
        .hasMessageContaining("ec-p256 or rsa-3072");
  }
}
