package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * Who may sign a bundle, through the real {@link BundleVerifier}: a refusal names the publisher; a
 * signer that is admitted gets as far as the file check (the synthetic files do not match).
 */
class PublisherTrustTest {
  static final Instant NOW = Instant.parse("2025-06-03T00:00:00Z");
  static final String CREATED = "2025-06-02T00:00:00Z";
  static final String EKU = PublisherTrust.BUNDLE_SIGNING_EKU;
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String PASSED = "does not match its signed manifest";

  static final TestPki.Issued CA = TestCerts.cert("CN=Publisher CA").ca().build();

  static Manifest manifest(long sequence, String created, String expires) {
    Manifest m = JsonTest.manifest();
    return new Manifest(
        m.formatVersion(),
        m.bundleId(),
        sequence,
        created,
        expires,
        m.tool(),
        m.profile(),
        m.upstream(),
        m.lists(),
        m.files(),
        m.removedRoots(),
        m.warnings());
  }

  static byte[] sign(byte[] manifest, PrivateKey key, List<X509Certificate> chain, String alg)
      throws Exception {
    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
    gen.addSignerInfoGenerator(
        new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
            .build(new JcaContentSignerBuilder(alg).build(key), chain.get(0)));
    gen.addCertificates(new JcaCertStore(chain));
    return gen.generate(new CMSProcessableByteArray(manifest), false).getEncoded("DER");
  }

  /** The verifier's verdict on a synthetic bundle signed by {@code key} with {@code chain}. */
  static String verdict(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trust,
      Manifest m,
      String alg)
      throws Exception {
    byte[] bytes = Json.write(m);
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("manifest.json", bytes);
    files.put("manifest.json.p7s", sign(bytes, key, chain, alg));
    BundleVerifier v =
        new BundleVerifier(trust, new TrustAnchors(List.of(), List.of()), VerifyOptions.DEFAULT);
    try {
      v.verify(files, NOW, false);
      return "accepted";
    } catch (VerificationException | MalformedInputException e) {
      return e.getMessage();
    }
  }

  static String verdict(TestPki.Issued signer, List<X509Certificate> chain, X509Certificate trust)
      throws Exception {
    return verdict(
        signer.key(),
        chain,
        List.of(trust),
        manifest(3, CREATED, "2025-07-02T00:00:00Z"),
        "SHA256withECDSA");
  }

  @Test
  void aCertificateIssuedForBundleSigningByTheTrustedCaIsAdmitted() throws Exception {
    TestPki.Issued pub = TestCerts.cert("CN=Publisher").issuer(CA).ekus(EKU).build();
    assertThat(verdict(pub, List.of(pub.cert(), CA.cert()), CA.cert())).contains(PASSED);
  }

  @Test
  void aTlsServerCertificateOfTheTrustedCaMayNotSign() throws Exception {
    TestPki.Issued tls = TestCerts.cert("CN=www.example").issuer(CA).ekus(SERVER_AUTH).build();
    assertThat(verdict(tls, List.of(tls.cert(), CA.cert()), CA.cert()))
        .contains("may not sign bundles")
        .contains(EKU);
  }

  @Test
  void aCaIssuedCertificateWithoutAnyEkuOrWithAnyEkuMayNotSign() throws Exception {
    TestPki.Issued none = TestCerts.cert("CN=No EKU").issuer(CA).build();
    assertThat(verdict(none, List.of(none.cert()), CA.cert()))
        .contains("lacks the extendedKeyUsage");
    TestPki.Issued any = TestCerts.cert("CN=Any EKU").issuer(CA).ekus("2.5.29.37.0").build();
    assertThat(verdict(any, List.of(any.cert()), CA.cert())).contains("lacks the extendedKeyUsage");
  }

  @Test
  void aChildOfAnEndEntityCertificateMayNotSign() throws Exception {
    TestPki.Issued ee = TestCerts.cert("CN=End Entity").issuer(CA).ekus(EKU).build();
    TestPki.Issued child = TestCerts.cert("CN=Child").issuer(ee).ekus(EKU).build();
    // PKIX finds the missing keyCertSign before the missing CA flag: either refuses the path.
    assertThat(verdict(child, List.of(child.cert(), ee.cert()), CA.cert()))
        .contains("path fails at CN=End Entity")
        .contains("may not sign bundles");
  }

  @Test
  void aChildOfATrustedEndEntityCertificateMayNotSign() throws Exception {
    TestPki.Issued ee = TestCerts.cert("CN=Trusted End Entity").ekus(EKU).build();
    TestPki.Issued child = TestCerts.cert("CN=Child").issuer(ee).ekus(EKU).build();
    assertThat(verdict(child, List.of(child.cert()), ee.cert())).contains("is not a CA");
  }

  @Test
  void anExpiredTrustedCaAdmitsNoPublisher() throws Exception {
    TestPki.Issued old =
        TestCerts.cert("CN=Old CA")
            .ca()
            .validity(Instant.parse("2015-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"))
            .build();
    TestPki.Issued pub = TestCerts.cert("CN=Publisher").issuer(old).ekus(EKU).build();
    assertThat(verdict(pub, List.of(pub.cert()), old.cert()))
        .contains("CN=Old CA")
        .contains("is not valid now");
  }

  @Test
  void aCaWithoutKeyCertSignOrBeyondItsPathLenAdmitsNoPublisher() throws Exception {
    TestPki.Issued noSign = TestCerts.cert("CN=No Cert Sign CA").ca().noCertSign().build();
    TestPki.Issued pub = TestCerts.cert("CN=Publisher").issuer(noSign).ekus(EKU).build();
    assertThat(verdict(pub, List.of(pub.cert()), noSign.cert())).contains("keyCertSign");

    TestPki.Issued root = TestCerts.cert("CN=Root pathLen 0").ca(0).build();
    TestPki.Issued sub = TestCerts.cert("CN=Sub CA").issuer(root).ca().build();
    TestPki.Issued deep = TestCerts.cert("CN=Deep Publisher").issuer(sub).ekus(EKU).build();
    assertThat(verdict(deep, List.of(deep.cert(), sub.cert()), root.cert())).contains("pathLen");
  }

  @Test
  void aSignerOutsideTheTrustedCasNameConstraintsIsRefused() throws Exception {
    TestPki.Issued constrained =
        TestCerts.cert("CN=Constrained CA")
            .ca()
            .rawExtension(
                "2.5.29.30",
                new org.bouncycastle.asn1.x509.NameConstraints(
                        new org.bouncycastle.asn1.x509.GeneralSubtree[] {
                          new org.bouncycastle.asn1.x509.GeneralSubtree(
                              new org.bouncycastle.asn1.x509.GeneralName(new X500Name("O=Allowed")))
                        },
                        null)
                    .getEncoded())
            .build();
    TestPki.Issued outside =
        TestCerts.cert("O=Elsewhere, CN=Outside").issuer(constrained).ekus(EKU).build();
    assertThat(verdict(outside, List.of(outside.cert()), constrained.cert()))
        .contains("name constraints");
    TestPki.Issued inside =
        TestCerts.cert("O=Allowed, CN=Inside").issuer(constrained).ekus(EKU).build();
    assertThat(verdict(inside, List.of(inside.cert()), constrained.cert())).contains(PASSED);
  }

  @Test
  void anIntermediateThatExpiredFailsThePath() throws Exception {
    TestPki.Issued sub =
        TestCerts.cert("CN=Expired Sub CA")
            .issuer(CA)
            .ca()
            .validity(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"))
            .build();
    TestPki.Issued pub = TestCerts.cert("CN=Publisher").issuer(sub).ekus(EKU).build();
    assertThat(verdict(pub, List.of(pub.cert(), sub.cert()), CA.cert()))
        .contains("CN=Expired Sub CA")
        .contains("not valid now");
  }

  @Test
  void aPinnedCertificateFromTheOldKeygenWithoutEkuStillSigns() throws Exception {
    // keygen before the EKU: basicConstraints CA false, keyUsage digitalSignature, no EKU.
    TestPki.Issued old = TestCerts.cert("CN=Old Keygen Publisher").build();
    assertThat(old.cert().getExtendedKeyUsage()).isNull();
    assertThat(verdict(old, List.of(old.cert()), old.cert())).contains(PASSED);
  }

  @Test
  void aPinnedCertificateNeedsDigitalSignatureAndNoForeignEku() throws Exception {
    TestPki.Issued tls = TestCerts.cert("CN=Pinned TLS").ekus(SERVER_AUTH).build();
    assertThat(verdict(tls, List.of(tls.cert()), tls.cert())).contains("does not include");
    KeyPair k = TestCerts.ec();
    X509Certificate noKu = withoutKeyUsage("CN=No Key Usage", k);
    assertThat(
            verdict(
                k.getPrivate(),
                List.of(noKu),
                List.of(noKu),
                manifest(3, CREATED, "2025-07-02T00:00:00Z"),
                "SHA256withECDSA"))
        .contains("keyUsage is absent");
  }

  @Test
  void anExpiredPublisherCannotSignABackDatedBundle() throws Exception {
    SigningKey expired =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Expired Publisher",
            Instant.parse("2019-01-01T00:00:00Z"),
            Duration.ofDays(365));
    String v =
        verdict(
            expired.key(),
            expired.chain(),
            expired.chain(),
            manifest(1_560_000_000L, "2019-06-01T00:00:00Z", "2029-05-01T00:00:00Z"),
            "SHA256withECDSA");
    assertThat(v).contains("CN=Expired Publisher").contains("is not valid now");
  }

  @Test
  void aPublisherThatWasNotYetValidWhenTheBundleWasCreatedIsRefused() throws Exception {
    SigningKey young =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Young Publisher",
            Instant.parse("2025-06-01T00:00:00Z"),
            Duration.ofDays(365));
    String v =
        verdict(
            young.key(),
            young.chain(),
            young.chain(),
            manifest(3, "2025-05-01T00:00:00Z", "2025-07-01T00:00:00Z"),
            "SHA256withECDSA");
    assertThat(v).contains("was not valid when the bundle was created");
  }

  @Test
  void aBundleCreatedLongBeforeNowIsAcceptedWithAWarning() {
    SigningKey k =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Publisher",
            Instant.parse("2024-01-01T00:00:00Z"),
            Duration.ofDays(3650));
    PublisherTrust.Signer s = PublisherTrust.admit(k.certificate(), k.chain(), k.chain());
    assertThat(s.pinned()).isTrue();
    assertThat(PublisherTrust.checkTimes(s, NOW.minus(Duration.ofDays(29)), NOW)).isEmpty();
    assertThat(PublisherTrust.checkTimes(s, NOW.minus(Duration.ofDays(31)), NOW))
        .singleElement()
        .asString()
        .contains("31 days ago");
  }

  @Test
  void keygenCertificatesCarryDigitalSignatureAndTheBundleSigningEku() throws Exception {
    SigningKey k =
        Keys.generate(Keys.Algorithm.EC_P256, "CN=New Publisher", NOW, Duration.ofDays(30));
    X509Certificate c = k.certificate();
    assertThat(c.getKeyUsage()[0]).isTrue();
    assertThat(c.getCriticalExtensionOIDs()).contains("2.5.29.15");
    assertThat(c.getExtendedKeyUsage()).containsExactly(EKU);
    assertThat(c.getBasicConstraints()).isEqualTo(-1);
    // Issued the same way by a CA (here: the same fields), it also qualifies as CA-issued.
    TestPki.Issued issued = TestCerts.cert("CN=New Publisher").issuer(CA).ekus(EKU).build();
    assertThat(PublisherTrust.admit(issued.cert(), List.of(), List.of(CA.cert())).pinned())
        .isFalse();
  }

  @Test
  void weakCmsDigestsAreRefused() throws Exception {
    SigningKey ec =
        Keys.generate(
            Keys.Algorithm.EC_P256, "CN=Publisher", NOW.minusSeconds(86400), Duration.ofDays(30));
    Manifest m = manifest(3, CREATED, "2025-07-02T00:00:00Z");
    assertThat(verdict(ec.key(), ec.chain(), ec.chain(), m, "SHA1withECDSA"))
        .contains("only SHA-256, SHA-384 or SHA-512 with RSA or ECDSA")
        .contains("SHA1");
    SigningKey rsa = KeysTest.KEY;
    Manifest old = manifest(3, "2025-01-02T00:00:00Z", "2025-01-20T00:00:00Z");
    BundleVerifier v =
        new BundleVerifier(
            rsa.chain(), new TrustAnchors(List.of(), List.of()), VerifyOptions.DEFAULT);
    for (String alg : List.of("MD5withRSA", "SHA1withRSA")) {
      byte[] bytes = Json.write(old);
      SortedMap<String, byte[]> files = new TreeMap<>();
      files.put("manifest.json", bytes);
      files.put("manifest.json.p7s", sign(bytes, rsa.key(), rsa.chain(), alg));
      assertThatThrownBy(() -> v.verify(files, Instant.parse("2025-01-03T00:00:00Z"), false))
          .as(alg)
          .isInstanceOf(VerificationException.class)
          .hasMessageContaining("only SHA-256");
    }
    assertThat(verdict(ec.key(), ec.chain(), ec.chain(), m, "SHA384withECDSA")).contains(PASSED);
  }

  /** A self-signed end-entity certificate with no keyUsage at all. */
  static X509Certificate withoutKeyUsage(String dn, KeyPair k) throws Exception {
    X500Name n = new X500Name(dn);
    var b =
        new JcaX509v3CertificateBuilder(
            n,
            BigInteger.valueOf(77),
            Date.from(Instant.parse("2020-01-01T00:00:00Z")),
            Date.from(Instant.parse("2040-01-01T00:00:00Z")),
            n,
            k.getPublic());
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
  }
}
