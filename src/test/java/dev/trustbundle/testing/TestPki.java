package dev.trustbundle.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA standing in for Microsoft: root, list CA and list signer, made with Bouncy Castle. Keys
 * are generated once per JVM (RSA-2048) because generation dominates test time.
 */
public final class TestPki {
  public static final String ROOT_LIST_SIGNER = "1.3.6.1.4.1.311.10.3.9";
  public static final String CTL_USAGE_SIGNING = "1.3.6.1.4.1.311.10.3.1";
  public static final String SIGNER_DN =
      "CN=Microsoft Certificate Trust List Publisher, O=Microsoft Corporation, C=US";

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  /** Generated on first use only, so that tests with keys of their own do not pay for these. */
  private static final class DefaultKeys {
    static final KeyPair ROOT = rsa();
    static final KeyPair CA = rsa();
    static final KeyPair SIGNER = rsa();
  }

  /** A certificate and its key. */
  public record Issued(X509Certificate cert, PrivateKey key) {}

  public final Issued root;
  public final Issued ca;
  public final Issued signer;

  private TestPki(Issued root, Issued ca, Issued signer) {
    this.root = root;
    this.ca = ca;
    this.signer = signer;
  }

  /** A chain valid from 2020 to 2040 with the EKUs Microsoft uses. */
  public static TestPki standard() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Varies the chain for negative tests. */
  public static final class Builder {
    Instant signerFrom = Instant.parse("2020-01-01T00:00:00Z");
    Instant signerTo = Instant.parse("2040-01-01T00:00:00Z");
    String signerDn = SIGNER_DN;
    List<String> signerEkus = List.of(ROOT_LIST_SIGNER);
    List<String> caEkus = List.of(CTL_USAGE_SIGNING, ROOT_LIST_SIGNER);
    boolean caIsCa = true;
    String sigAlg = "SHA256withRSA";
    KeyPair rootKey;
    KeyPair caKey;
    KeyPair signerKey;
    boolean fixedSerials;

    /**
     * Uses these keys and the serial numbers 1, 2 and 3, so that the same keys always give the same
     * certificates (the fuzz tests' seeds must verify in every JVM).
     */
    public Builder fixedKeys(KeyPair root, KeyPair ca, KeyPair signer) {
      rootKey = root;
      caKey = ca;
      signerKey = signer;
      fixedSerials = true;
      return this;
    }

    public Builder signerValidity(Instant from, Instant to) {
      signerFrom = from;
      signerTo = to;
      return this;
    }

    public Builder signerDn(String dn) {
      signerDn = dn;
      return this;
    }

    public Builder signerEkus(String... ekus) {
      signerEkus = List.of(ekus);
      return this;
    }

    public Builder caEkus(String... ekus) {
      caEkus = List.of(ekus);
      return this;
    }

    public Builder caNotCa() {
      caIsCa = false;
      return this;
    }

    public Builder certSignatureAlgorithm(String alg) {
      sigAlg = alg;
      return this;
    }

    public TestPki build() {
      KeyPair rootKey = this.rootKey != null ? this.rootKey : DefaultKeys.ROOT;
      KeyPair caKey = this.caKey != null ? this.caKey : DefaultKeys.CA;
      KeyPair signerKey = this.signerKey != null ? this.signerKey : DefaultKeys.SIGNER;
      Instant from = Instant.parse("2010-01-01T00:00:00Z");
      Instant to = Instant.parse("2045-01-01T00:00:00Z");
      X509Certificate root =
          cert(
              "CN=Test Root CA 2010, O=TrustBundle Tests",
              rootKey,
              null,
              from,
              to,
              true,
              null,
              sigAlg,
              serial(1));
      Issued r = new Issued(root, rootKey.getPrivate());
      X509Certificate ca =
          cert(
              "CN=Test Certificate List CA, O=TrustBundle Tests",
              caKey,
              r,
              from,
              to,
              caIsCa,
              caEkus,
              sigAlg,
              serial(2));
      Issued c = new Issued(ca, caKey.getPrivate());
      X509Certificate signer =
          cert(signerDn, signerKey, c, signerFrom, signerTo, false, signerEkus, sigAlg, serial(3));
      return new TestPki(r, c, new Issued(signer, signerKey.getPrivate()));
    }

    private BigInteger serial(long fixed) {
      return BigInteger.valueOf(fixedSerials ? fixed : SERIAL.incrementAndGet());
    }
  }

  /** Issues a certificate; {@code issuer} null makes it self-signed. */
  public static X509Certificate cert(
      String dn,
      KeyPair key,
      Issued issuer,
      Instant from,
      Instant to,
      boolean isCa,
      List<String> ekus,
      String sigAlg) {
    return cert(
        dn,
        key,
        issuer,
        from,
        to,
        isCa,
        ekus,
        sigAlg,
        BigInteger.valueOf(SERIAL.incrementAndGet()));
  }

  private static X509Certificate cert(
      String dn,
      KeyPair key,
      Issued issuer,
      Instant from,
      Instant to,
      boolean isCa,
      List<String> ekus,
      String sigAlg,
      BigInteger serial) {
    try {
      X500Name subject = new X500Name(dn);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName, serial, Date.from(from), Date.from(to), subject, key.getPublic());
      if (isCa) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      }
      if (ekus != null) {
        KeyPurposeId[] ids =
            ekus.stream()
                .map(
                    o ->
                        KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(o)))
                .toArray(KeyPurposeId[]::new);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids));
      }
      PrivateKey signingKey = issuer == null ? key.getPrivate() : issuer.key();
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(signingKey)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh self-signed root with its own key, e.g. an unpinned impostor. */
  public static Issued selfSigned(String dn) {
    KeyPair k = rsa();
    Instant now = Instant.parse("2010-01-01T00:00:00Z");
    return new Issued(
        cert(dn, k, null, now, now.plus(365 * 40, ChronoUnit.DAYS), true, null, "SHA256withRSA"),
        k.getPrivate());
  }

  public static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
