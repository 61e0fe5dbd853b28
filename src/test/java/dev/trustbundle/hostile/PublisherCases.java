package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.ascii;
import static dev.trustbundle.hostile.Mutations.gzip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.PublisherTrust;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import dev.trustbundle.hostile.Mutations.RawTar;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Who may sign a bundle, and the bounds every reader applies: the synthetic bundle re-signed by
 * certificates a trusted CA issued for other purposes or through broken paths, by pinned
 * certificates unfit to sign, by expired keys over back-dated manifests, with weak CMS digests;
 * manifests with absurd sequences and validities; archives whose PAX or long names disagree with
 * their headers, and gzip headers with huge fields. Each is given to {@code verify} and {@code
 * import}.
 */
final class PublisherCases {
  private PublisherCases() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong SERIAL = new AtomicLong(90_000);
  private static final String EKU = PublisherTrust.BUNDLE_SIGNING_EKU;
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final Instant FROM = Instant.parse("2020-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2040-01-01T00:00:00Z");
  private static final int EE = -2;
  private static final int CA_ANY_LEN = -1;
  private static final int SIGN = KeyUsage.digitalSignature;
  private static final int CA_KU = KeyUsage.keyCertSign | KeyUsage.cRLSign;

  /** Every case: publisher trust, then manifest bounds, then archive names and gzip headers. */
  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>(publisher(m));
    out.addAll(bounds(m));
    out.addAll(archive(m));
    return out;
  }

  /** Trust: certificates a CA issued, and pinned certificates, that may not sign; and times. */
  static List<Case> publisher(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] manifest = m.bundle.get("manifest.json");
    TestPki.Issued ca =
        issue("CN=Publisher CA, O=Hostile", null, FROM, TO, CA_ANY_LEN, CA_KU, null);

    String[][] foreignEkus = {
      {"tls-server-certificate-of-the-trusted-ca", SERVER_AUTH},
      {"tls-client-certificate-of-the-trusted-ca", "1.3.6.1.5.5.7.3.2"},
      {"code-signing-certificate-of-the-trusted-ca", "1.3.6.1.5.5.7.3.3"},
      {"e-mail-certificate-of-the-trusted-ca", "1.3.6.1.5.5.7.3.4"},
      {"any-eku-certificate-of-the-trusted-ca", "2.5.29.37.0"},
    };
    for (String[] f : foreignEkus) {
      TestPki.Issued s = issue("CN=" + f[0], ca, FROM, TO, EE, SIGN, null, f[1]);
      out.add(trusted(f[0], manifest, m, s, List.of(s, ca), ca, "lacks the extendedKeyUsage"));
    }
    TestPki.Issued noEku = issue("CN=No EKU", ca, FROM, TO, EE, SIGN, null);
    out.add(
        trusted(
            "no-eku-certificate-of-the-trusted-ca",
            manifest,
            m,
            noEku,
            List.of(noEku),
            ca,
            "lacks the extendedKeyUsage"));
    TestPki.Issued noSign =
        issue("CN=Encipherment Only", ca, FROM, TO, EE, KeyUsage.keyEncipherment, null, EKU);
    out.add(
        trusted(
            "ca-issued-without-digital-signature",
            manifest,
            m,
            noSign,
            List.of(noSign),
            ca,
            "lacks digitalSignature"));
    TestPki.Issued noKu = issue("CN=No Key Usage", ca, FROM, TO, EE, 0, null, EKU);
    out.add(
        trusted(
            "ca-issued-without-key-usage",
            manifest,
            m,
            noKu,
            List.of(noKu),
            ca,
            "keyUsage is absent"));

    // Paths that PKIX refuses.
    TestPki.Issued ee = issue("CN=End Entity", ca, FROM, TO, EE, SIGN, null, EKU);
    TestPki.Issued child = issue("CN=Child Of End Entity", ee, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "child-of-an-end-entity",
            manifest,
            m,
            child,
            List.of(child, ee),
            ca,
            "path fails at CN=End Entity"));
    TestPki.Issued eeCaFlag = issue("CN=End Entity KU", ca, FROM, TO, EE, SIGN | CA_KU, null, EKU);
    TestPki.Issued child2 =
        issue("CN=Child Of KU End Entity", eeCaFlag, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "child-of-an-end-entity-with-key-cert-sign",
            manifest,
            m,
            child2,
            List.of(child2, eeCaFlag),
            ca,
            "not a CA (basicConstraints)"));
    TestPki.Issued pinnedEe = issue("CN=Trusted End Entity", null, FROM, TO, EE, SIGN, null, EKU);
    TestPki.Issued child3 =
        issue("CN=Child Of Trusted End Entity", pinnedEe, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "child-of-the-trusted-end-entity",
            manifest,
            m,
            child3,
            List.of(child3),
            pinnedEe,
            "is not a CA"));
    TestPki.Issued expiredCa =
        issue(
            "CN=Expired CA",
            null,
            Instant.parse("2010-01-01T00:00:00Z"),
            Instant.parse("2024-01-01T00:00:00Z"),
            CA_ANY_LEN,
            CA_KU,
            null);
    TestPki.Issued underExpired =
        issue("CN=Under Expired CA", expiredCa, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "trusted-ca-expired",
            manifest,
            m,
            underExpired,
            List.of(underExpired),
            expiredCa,
            "is not valid now"));
    TestPki.Issued youngCa =
        issue(
            "CN=Young CA",
            null,
            Instant.parse("2025-06-02T12:00:00Z"),
            TO,
            CA_ANY_LEN,
            CA_KU,
            null);
    TestPki.Issued underYoung = issue("CN=Under Young CA", youngCa, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "trusted-ca-not-yet-valid-when-created",
            manifest,
            m,
            underYoung,
            List.of(underYoung),
            youngCa,
            "was not valid when the bundle was created"));
    TestPki.Issued noCertSign =
        issue("CN=No Cert Sign CA", null, FROM, TO, CA_ANY_LEN, KeyUsage.cRLSign, null);
    TestPki.Issued underNoCertSign =
        issue("CN=Under No Cert Sign", noCertSign, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "trusted-ca-without-key-cert-sign",
            manifest,
            m,
            underNoCertSign,
            List.of(underNoCertSign),
            noCertSign,
            "keyCertSign"));
    TestPki.Issued len0 = issue("CN=PathLen 0 CA", null, FROM, TO, 0, CA_KU, null);
    TestPki.Issued sub = issue("CN=Sub CA", len0, FROM, TO, CA_ANY_LEN, CA_KU, null);
    TestPki.Issued deep = issue("CN=Deep Publisher", sub, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "below-the-path-length-of-the-trusted-ca",
            manifest,
            m,
            deep,
            List.of(deep, sub),
            len0,
            "pathLen"));
    TestPki.Issued subLen0 = issue("CN=Sub CA PathLen 0", ca, FROM, TO, 0, CA_KU, null);
    TestPki.Issued sub2 = issue("CN=Sub Sub CA", subLen0, FROM, TO, CA_ANY_LEN, CA_KU, null);
    TestPki.Issued deep2 = issue("CN=Deeper Publisher", sub2, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "below-the-path-length-of-an-intermediate",
            manifest,
            m,
            deep2,
            List.of(deep2, sub2, subLen0),
            ca,
            "pathLen"));
    TestPki.Issued expiredSub =
        issue(
            "CN=Expired Sub CA",
            ca,
            FROM,
            Instant.parse("2025-01-01T00:00:00Z"),
            CA_ANY_LEN,
            CA_KU,
            null);
    TestPki.Issued underExpiredSub =
        issue("CN=Under Expired Sub", expiredSub, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "intermediate-expired",
            manifest,
            m,
            underExpiredSub,
            List.of(underExpiredSub, expiredSub),
            ca,
            "is not valid now"));
    TestPki.Issued expiredSigner =
        issue(
            "CN=Expired CA-Issued Publisher",
            ca,
            FROM,
            Instant.parse("2025-06-02T12:00:00Z"),
            EE,
            SIGN,
            null,
            EKU);
    out.add(
        trusted(
            "ca-issued-publisher-expired-since-created",
            manifest,
            m,
            expiredSigner,
            List.of(expiredSigner),
            ca,
            "is not valid now"));
    TestPki.Issued constrained =
        issue(
            "CN=Constrained CA, O=Hostile",
            null,
            FROM,
            TO,
            CA_ANY_LEN,
            CA_KU,
            new X500Name("O=Allowed"));
    TestPki.Issued outside =
        issue("CN=Outside, O=Elsewhere", constrained, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "outside-the-name-constraints-of-the-trusted-ca",
            manifest,
            m,
            outside,
            List.of(outside),
            constrained,
            "name constraints"));
    // The CA's name on a certificate signed by another key: no path to the trusted CA.
    TestPki.Issued impostorCa =
        issue("CN=Publisher CA, O=Hostile", null, FROM, TO, CA_ANY_LEN, CA_KU, null);
    TestPki.Issued forged = issue("CN=Forged", impostorCa, FROM, TO, EE, SIGN, null, EKU);
    out.add(
        trusted(
            "issued-by-a-ca-of-the-same-name-and-another-key",
            manifest,
            m,
            forged,
            List.of(forged, impostorCa),
            ca,
            "not the trusted publisher"));

    // Pinned certificates unfit to sign.
    TestPki.Issued pinnedTls = issue("CN=Pinned TLS", null, FROM, TO, EE, SIGN, null, SERVER_AUTH);
    out.add(
        trusted(
            "pinned-with-a-tls-server-eku",
            manifest,
            m,
            pinnedTls,
            List.of(pinnedTls),
            pinnedTls,
            "does not include"));
    TestPki.Issued pinnedNoKu = issue("CN=Pinned No KU", null, FROM, TO, EE, 0, null);
    out.add(
        trusted(
            "pinned-without-key-usage",
            manifest,
            m,
            pinnedNoKu,
            List.of(pinnedNoKu),
            pinnedNoKu,
            "keyUsage is absent"));
    TestPki.Issued pinnedEnc =
        issue("CN=Pinned Encipherment", null, FROM, TO, EE, KeyUsage.keyEncipherment, null);
    out.add(
        trusted(
            "pinned-key-encipherment-only",
            manifest,
            m,
            pinnedEnc,
            List.of(pinnedEnc),
            pinnedEnc,
            "lacks digitalSignature"));

    // Time: an expired key cannot back-date, and a key must be valid now and when created.
    TestPki.Issued old =
        issue(
            "CN=Publisher Expired 2020",
            null,
            Instant.parse("2019-01-01T00:00:00Z"),
            Instant.parse("2020-01-01T00:00:00Z"),
            EE,
            SIGN,
            null,
            EKU);
    byte[] backDated =
        edit(
            manifest,
            o -> {
              o.put("created", "2019-06-01T00:00:00Z");
              o.put("expires", "2029-05-01T00:00:00Z");
              o.put("sequence", Instant.parse("2019-06-01T00:00:00Z").getEpochSecond());
            });
    out.add(
        trusted(
            "pinned-expired-key-over-a-back-dated-bundle",
            backDated,
            m,
            old,
            List.of(old),
            old,
            "is not valid now"));
    TestPki.Issued lapsed =
        issue(
            "CN=Publisher Lapsed",
            null,
            FROM,
            Instant.parse("2025-06-02T12:00:00Z"),
            EE,
            SIGN,
            null,
            EKU);
    out.add(
        trusted(
            "pinned-expired-since-created",
            manifest,
            m,
            lapsed,
            List.of(lapsed),
            lapsed,
            "is not valid now"));
    TestPki.Issued young =
        issue(
            "CN=Publisher Young",
            null,
            Instant.parse("2025-06-02T12:00:00Z"),
            TO,
            EE,
            SIGN,
            null,
            EKU);
    out.add(
        trusted(
            "pinned-not-yet-valid-when-created",
            manifest,
            m,
            young,
            List.of(young),
            young,
            "was not valid when the bundle was created"));

    // Weak CMS algorithms, by the trusted publisher's own key.
    SigningKey pub = m.publisher;
    for (String alg : List.of("SHA1withECDSA", "SHA224withECDSA")) {
      out.add(
          bundle(
              Category.PUBLISHER,
              "cms-" + alg.toLowerCase(java.util.Locale.ROOT),
              m.bundle,
              f -> f.put("manifest.json.p7s", sign(manifest, pub.key(), pub.chain(), alg)),
              Map.of("publisher.crt", Material.der(pub.certificate())),
              "publisher.crt",
              INVALID,
              "only SHA-256, SHA-384 or SHA-512"));
    }
    // An RSA publisher (the test root's key under a pinned end-entity certificate).
    TestPki.Issued rsa =
        issue(
            "CN=RSA Publisher",
            null,
            FROM,
            TO,
            EE,
            SIGN,
            null,
            new KeyPair(m.pki.root.cert().getPublicKey(), m.pki.root.key()),
            EKU);
    for (String alg : List.of("MD5withRSA", "SHA1withRSA")) {
      out.add(
          bundle(
              Category.PUBLISHER,
              "cms-" + alg.toLowerCase(java.util.Locale.ROOT),
              m.bundle,
              f -> f.put("manifest.json.p7s", sign(manifest, rsa.key(), List.of(rsa.cert()), alg)),
              Map.of("rsa.crt", Material.der(rsa.cert())),
              "rsa.crt",
              INVALID,
              "only SHA-256, SHA-384 or SHA-512"));
    }
    return out;
  }

  /** Manifests, signed by the trusted publisher, with sequences and validities out of bounds. */
  static List<Case> bounds(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] manifest = m.bundle.get("manifest.json");
    long created = Material.BUILT.getEpochSecond();
    Object[][] cases = {
      {"sequence-2-pow-63-minus-1", "sequence", Long.MAX_VALUE, "sequence 9223372036854775807"},
      {"sequence-zero", "sequence", 0L, "sequence 0 is not between 1"},
      {"sequence-negative", "sequence", -1L, "sequence -1 is not between 1"},
      {"sequence-367-days-ahead", "sequence", created + 367L * 86400, "would freeze"},
      {"expires-200-years-ahead", "expires", "2225-06-02T00:00:00Z", "more than 3650 days"},
      {"expires-3651-days-ahead", "expires", "2035-06-01T00:00:00Z", "more than 3650 days"},
      {"expires-before-created", "expires", "2025-06-01T00:00:00Z", "is before created"},
    };
    for (Object[] c : cases) {
      byte[] edited =
          edit(
              manifest,
              o -> {
                if (c[2] instanceof Long l) {
                  o.put((String) c[1], l);
                } else {
                  o.put((String) c[1], (String) c[2]);
                }
              });
      out.add(
          bundle(
              Category.MANIFEST,
              "bound-" + c[0],
              m.bundle,
              f -> {
                f.put("manifest.json", edited);
                f.put("manifest.json.p7s", ManifestSignature.sign(edited, m.publisher));
              },
              Map.of("publisher.crt", m.publisherCertificate()),
              "publisher.crt",
              MALFORMED,
              (String) c[3]));
    }
    return out;
  }

  /** Archives whose PAX or GNU long names hide another header name; huge gzip header fields. */
  static List<Case> archive(Material m) {
    List<Case> out = new ArrayList<>();
    SortedMap<String, byte[]> files = m.bundle;
    String[][] hidden = {
      {"pax-path-over-a-dotdot-name", "mirror/ok.crt", "../evil.crt"},
      {"pax-path-over-an-absolute-name", "mirror/ok.crt", "/etc/cron.d/evil"},
      {"pax-path-over-another-listed-name", "mirror/authrootstl.cab", "mirror/decoy.cab"},
      {"pax-path-over-a-web-config-name", "mirror/ok.crt", "web.config"},
    };
    for (String[] h : hidden) {
      RawTar t = new RawTar();
      byte[] pax = paxRecord("path", h[1]);
      t.entry("PaxHeaders/x", 'x', pax.length, pax, "", false);
      t.entry(h[2], '0', 1, new byte[] {1}, "", false);
      files.forEach(t::file);
      out.add(archiveCase(h[0], gzip(t.tar()), "disagrees with its PAX or long name"));
    }
    RawTar gnu = new RawTar();
    byte[] longName = ascii("mirror/ok.crt\0");
    gnu.entry("././@LongLink", 'L', longName.length, longName, "", false);
    gnu.entry("../evil.crt", '0', 1, new byte[] {1}, "", false);
    files.forEach(gnu::file);
    out.add(
        archiveCase(
            "gnu-long-name-over-a-dotdot-name",
            gzip(gnu.tar()),
            "disagrees with its PAX or long name"));

    byte[] good = m.bundleArchive;
    out.add(
        archiveCase(
            "gzip-fname-2mib",
            withGzipField(good, 0x08, zeroTerminated(2 << 20)),
            "FNAME is longer than 1024 bytes"));
    out.add(
        archiveCase(
            "gzip-fcomment-2mib",
            withGzipField(good, 0x10, zeroTerminated(2 << 20)),
            "FCOMMENT is longer than 1024 bytes"));
    byte[] extra = new byte[2 + 4096];
    extra[0] = 0x00;
    extra[1] = 0x10;
    out.add(
        archiveCase("gzip-fextra-4kib", withGzipField(good, 0x04, extra), "FEXTRA is 4096 bytes"));
    byte[] endless = new byte[64 << 10];
    java.util.Arrays.fill(endless, (byte) 'n');
    out.add(
        archiveCase(
            "gzip-fname-without-end", withGzipField(good, 0x08, endless), "FNAME is longer than"));
    out.add(
        archiveCase(
            "gzip-fname-cut-short",
            withGzipField(java.util.Arrays.copyOf(good, 10), 0x08, ascii("bundle")),
            "ends inside the gzip header"));
    return out;
  }

  // Builders.

  /**
   * The bundle re-signed by {@code signer} carrying {@code chain}, verified trusting {@code trust}.
   */
  private static Case trusted(
      String name,
      byte[] manifest,
      Material m,
      TestPki.Issued signer,
      List<TestPki.Issued> chain,
      TestPki.Issued trust,
      String fragment) {
    List<X509Certificate> certs = chain.stream().map(TestPki.Issued::cert).toList();
    return bundle(
        Category.PUBLISHER,
        name,
        m.bundle,
        f -> {
          f.put("manifest.json", manifest);
          f.put("manifest.json.p7s", sign(manifest, signer.key(), certs, null));
        },
        Map.of("trust.crt", Material.der(trust.cert())),
        "trust.crt",
        INVALID,
        fragment);
  }

  /** Verified and imported with {@code --trust @trustName}. */
  private static Case bundle(
      Category category,
      String name,
      SortedMap<String, byte[]> files,
      Consumer<SortedMap<String, byte[]>> change,
      Map<String, byte[]> trust,
      String trustName,
      int exit,
      String fragment) {
    SortedMap<String, byte[]> f = new TreeMap<>(files);
    change.accept(f);
    Map<String, byte[]> all = new LinkedHashMap<>();
    all.put("bundle.tar.gz", Material.archive(f));
    all.putAll(trust);
    return new Case(
        category,
        name,
        Runner.BUNDLE,
        "bundle.tar.gz",
        all,
        List.of("@bundle.tar.gz", "--trust", "@" + trustName, "--at", Material.AT),
        Set.of(exit),
        fragment,
        false);
  }

  private static Case archiveCase(String name, byte[] archive, String fragment) {
    return HostileCorpus.bundle(Category.ARCHIVE, name, archive, MALFORMED, fragment);
  }

  private static byte[] edit(byte[] manifest, Consumer<ObjectNode> change) {
    try {
      ObjectNode o = (ObjectNode) JSON.readTree(manifest);
      change.accept(o);
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A detached CMS signature with {@code alg} (null: SHA-256 with the key's algorithm). */
  private static byte[] sign(
      byte[] manifest, PrivateKey key, List<X509Certificate> chain, String alg) {
    try {
      String a =
          alg != null
              ? alg
              : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
              .build(new JcaContentSignerBuilder(a).build(key), chain.get(0)));
      gen.addCertificates(new JcaCertStore(chain));
      return gen.generate(new CMSProcessableByteArray(manifest), false).getEncoded("DER");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestPki.Issued issue(
      String dn,
      TestPki.Issued issuer,
      Instant from,
      Instant to,
      int caPathLen,
      int keyUsage,
      X500Name permitted,
      String... ekus) {
    return issue(dn, issuer, from, to, caPathLen, keyUsage, permitted, TestCerts.ec(), ekus);
  }

  /**
   * A certificate with exactly these fields: {@code caPathLen} {@link #EE} (no basicConstraints),
   * {@link #CA_ANY_LEN} or a path length; {@code keyUsage} 0 for none; a permitted directory name
   * subtree; EKUs when given. Self-signed when {@code issuer} is null.
   */
  private static TestPki.Issued issue(
      String dn,
      TestPki.Issued issuer,
      Instant from,
      Instant to,
      int caPathLen,
      int keyUsage,
      X500Name permitted,
      KeyPair k,
      String... ekus) {
    try {
      X500Name subject = new X500Name(dn);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
      var b =
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
      if (issuer != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer.cert()));
      }
      if (caPathLen == CA_ANY_LEN) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      } else if (caPathLen >= 0) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(caPathLen));
      }
      if (keyUsage != 0) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      if (permitted != null) {
        b.addExtension(
            Extension.nameConstraints,
            true,
            new NameConstraints(
                new GeneralSubtree[] {new GeneralSubtree(new GeneralName(permitted))}, null));
      }
      if (ekus.length > 0) {
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                java.util.Arrays.stream(ekus)
                    .map(o -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(o)))
                    .toArray(KeyPurposeId[]::new)));
      }
      PrivateKey signer = issuer != null ? issuer.key() : k.getPrivate();
      String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate c =
          new JcaX509CertificateConverter()
              .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
      return new TestPki.Issued(c, k.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.length() + 1;
    while (String.valueOf(len).length() + body.length() != len) {
      len = String.valueOf(len).length() + body.length();
    }
    return (len + body).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] zeroTerminated(int n) {
    byte[] b = new byte[n + 1];
    java.util.Arrays.fill(b, 0, n, (byte) 'x');
    return b;
  }

  /** The gzip member with flag {@code flg} set and {@code fields} after its fixed header. */
  private static byte[] withGzipField(byte[] member, int flg, byte[] fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(member, 0, 3);
    out.write(member[3] | flg);
    out.write(member, 4, 6);
    out.writeBytes(fields);
    out.write(member, 10, member.length - 10);
    return out.toByteArray();
  }
}
