package dev.trustbundle.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for chain tests, made with Bouncy Castle: EC P-256 keys (fast to generate), subject
 * and authority key identifiers, and optional CA flags, EKUs, AIA, CRL distribution points or raw
 * extensions.
 */
public final class TestCerts {
  private static final AtomicLong SERIAL = new AtomicLong(50_000);

  private TestCerts() {}

  /** A certificate for {@code dn}; self-signed unless {@link Builder#issuer} is set. */
  public static Builder cert(String dn) {
    return new Builder(dn);
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Describes one certificate. */
  public static final class Builder {
    private final String dn;
    private KeyPair key;
    private TestPki.Issued issuer;
    private String issuerDn;
    private byte[] akiOverride;
    private Instant from = Instant.parse("2020-01-01T00:00:00Z");
    private Instant to = Instant.parse("2040-01-01T00:00:00Z");
    private Integer pathLen;
    private boolean ca;
    private boolean keyCertSign = true;
    private List<String> ekus;
    private final List<String> caIssuers = new ArrayList<>();
    private final List<String> ocsp = new ArrayList<>();
    private final List<String> cdp = new ArrayList<>();
    private final List<Object[]> raw = new ArrayList<>();

    Builder(String dn) {
      this.dn = dn;
    }

    /** Use this key (default: a fresh one). */
    public Builder key(KeyPair k) {
      key = k;
      return this;
    }

    /** Signed by this certificate's key, with its subject as issuer. */
    public Builder issuer(TestPki.Issued i) {
      issuer = i;
      return this;
    }

    /**
     * Claims an issuer whose key this test does not have: the name and key identifier are set, the
     * signature is made with a throwaway key (the issuer is "missing" anyway).
     */
    public Builder claimedIssuer(String dn, byte[] keyId) {
      issuerDn = dn;
      akiOverride = keyId;
      return this;
    }

    public Builder validity(Instant f, Instant t) {
      from = f;
      to = t;
      return this;
    }

    public Builder ca() {
      ca = true;
      return this;
    }

    public Builder ca(int maxPathLen) {
      ca = true;
      pathLen = maxPathLen;
      return this;
    }

    /** A CA whose key usage lacks keyCertSign. */
    public Builder noCertSign() {
      keyCertSign = false;
      return this;
    }

    public Builder ekus(String... oids) {
      ekus = List.of(oids);
      return this;
    }

    public Builder caIssuers(String url) {
      caIssuers.add(url);
      return this;
    }

    public Builder ocsp(String url) {
      ocsp.add(url);
      return this;
    }

    public Builder cdp(String url) {
      cdp.add(url);
      return this;
    }

    /** Adds an extension with these exact value bytes (inside the extnValue OCTET STRING). */
    public Builder rawExtension(String oid, byte[] value) {
      raw.add(new Object[] {oid, value});
      return this;
    }

    public TestPki.Issued build() {
      try {
        KeyPair k = key != null ? key : ec();
        X500Name subject = new X500Name(dn);
        X500Name issuerName =
            issuer != null
                ? X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded())
                : issuerDn != null ? new X500Name(issuerDn) : subject;
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                issuerName,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from),
                Date.from(to),
                subject,
                k.getPublic());
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(
            Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(k.getPublic()));
        if (akiOverride != null) {
          b.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              new org.bouncycastle.asn1.x509.AuthorityKeyIdentifier(akiOverride));
        } else if (issuer != null) {
          b.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              u.createAuthorityKeyIdentifier(issuer.cert()));
        }
        if (ca) {
          b.addExtension(
              Extension.basicConstraints,
              true,
              pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen));
          b.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(
                  keyCertSign ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.cRLSign));
        } else {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        }
        if (ekus != null) {
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(
                  ekus.stream()
                      .map(o -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(o)))
                      .toArray(KeyPurposeId[]::new)));
        }
        List<AccessDescription> aia = new ArrayList<>();
        caIssuers.forEach(
            x -> aia.add(new AccessDescription(AccessDescription.id_ad_caIssuers, uri(x))));
        ocsp.forEach(x -> aia.add(new AccessDescription(AccessDescription.id_ad_ocsp, uri(x))));
        if (!aia.isEmpty()) {
          b.addExtension(
              Extension.authorityInfoAccess,
              false,
              new AuthorityInformationAccess(aia.toArray(AccessDescription[]::new)));
        }
        if (!cdp.isEmpty()) {
          DistributionPoint[] dps =
              cdp.stream()
                  .map(
                      x ->
                          new DistributionPoint(
                              new DistributionPointName(new GeneralNames(uri(x))), null, null))
                  .toArray(DistributionPoint[]::new);
          b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(dps));
        }
        for (Object[] r : raw) {
          b.addExtension(
              new Extension(
                  new ASN1ObjectIdentifier((String) r[0]),
                  false,
                  new DEROctetString((byte[]) r[1])));
        }
        java.security.PrivateKey signer =
            issuer != null ? issuer.key() : issuerDn != null ? ec().getPrivate() : k.getPrivate();
        String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509Certificate c =
            new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
        return new TestPki.Issued(c, k.getPrivate());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private static GeneralName uri(String u) {
      return new GeneralName(GeneralName.uniformResourceIdentifier, u);
    }
  }
}
