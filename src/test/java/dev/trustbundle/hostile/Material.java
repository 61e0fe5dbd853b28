package dev.trustbundle.hostile;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.BundleBuilder;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.profile.ProfileParser;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.upstream.FetchOptions;
import dev.trustbundle.upstream.Fetcher;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The well-formed synthetic inputs the hostile corpus damages: a signed authroot list and its
 * cabinet, a serialized store, certificates, a CRL, and a bundle built by the real {@link
 * BundleBuilder} from a small synthetic upstream, signed by a test publisher. Made once per JVM
 * with Bouncy Castle and the {@code testing} helpers; no fixture file is needed.
 */
final class Material {
  /** When the synthetic lists were issued (CtlBuilder's default thisUpdate). */
  static final Instant ISSUED = Instant.parse("2025-06-01T12:00:00Z");

  /** When the synthetic bundle was built. */
  static final Instant BUILT = Instant.parse("2025-06-02T00:00:00Z");

  /** The evaluation time every case runs at. */
  static final String AT = "2025-06-03T00:00:00Z";

  final TestPki pki = TestPki.standard();

  /** The synthetic roots the authroot list names. */
  final List<X509Certificate> roots;

  /** A signed authroot list of {@link #roots}. */
  final byte[] stl;

  /** {@link #stl} in an MSZIP cabinet. */
  final byte[] cab;

  /** {@link #stl} in an uncompressed cabinet. */
  final byte[] storedCab;

  /** A signed disallowed list. */
  final byte[] disallowedStl;

  /** A serialized store holding {@link #roots}. */
  final byte[] sst;

  /** A CRL issued by {@code pki.root}, valid 2025-06-01 to 2025-07-01. */
  final byte[] crl;

  /** The test publisher that signs bundles, and another one nobody trusts. */
  final SigningKey publisher;

  final SigningKey stranger;

  /** The entries of a bundle built from the synthetic upstream. */
  final SortedMap<String, byte[]> bundle;

  /** {@link #bundle} as a .tar.gz. */
  final byte[] bundleArchive;

  private final byte[] p12;

  /**
   * Chains whose signer must not sign lists (made once, so that the lists they sign are the same
   * bytes every time the corpus is generated): no list EKU, expired at thisUpdate, a list CA that
   * is not a CA, a signer of another name.
   */
  final java.util.Map<String, TestPki> unfit =
      java.util.Map.of(
          "no-eku", TestPki.builder().signerEkus("1.3.6.1.5.5.7.3.3").build(),
          "expired",
              TestPki.builder()
                  .signerValidity(
                      Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"))
                  .build(),
          "ca-not-ca", TestPki.builder().caNotCa().build(),
          "wrong-name", TestPki.builder().signerDn("CN=Evil Publisher").build());

  /** A key that is not the list signer's. */
  final PrivateKey otherRsaKey;

  /** An unpinned self-signed impostor CA. */
  final TestPki.Issued impostor;

  private Material() {
    try {
      // RSA keys are slow to make: the impostor reuses the test root's key under another name
      // (its certificate is what no pin names), and "another key" is the list CA's.
      otherRsaKey = pki.ca.key();
      impostor =
          new TestPki.Issued(
              TestPki.cert(
                  "CN=Impostor Root, O=Hostile",
                  new KeyPair(pki.root.cert().getPublicKey(), pki.root.key()),
                  null,
                  Instant.parse("2010-01-01T00:00:00Z"),
                  Instant.parse("2045-01-01T00:00:00Z"),
                  true,
                  null,
                  "SHA256withRSA"),
              pki.root.key());
      roots = List.of(pki.root.cert(), ecRoot("CN=Hostile Test Root EC, O=TrustBundle Tests"));
      stl = CtlBuilder.authroot(pki, roots).build();
      cab = new CabBuilder().add("authroot.stl", stl).build();
      storedCab = new CabBuilder().compression(0).add("authroot.stl", stl).build();
      disallowedStl =
          new CtlBuilder(pki)
              .usage("1.3.6.1.4.1.311.10.3.30")
              .listIdentifier("DisallowedCert_AutoUpdate_1")
              .addEntry(new byte[16])
              // The keys of the roots, so that the store of them (sst) is one the list vouches for.
              .addEntry(dev.trustbundle.ctl.Hex.parse(keyMd5(roots.get(0))))
              .addEntry(dev.trustbundle.ctl.Hex.parse(keyMd5(roots.get(1))))
              .build();
      sst = sst(roots);
      crl = crl(pki.root, Instant.parse("2025-07-01T00:00:00Z"), 3);
      publisher =
          Keys.generate(
              Keys.Algorithm.EC_P256,
              "CN=Hostile Test Publisher",
              Instant.parse("2025-01-01T00:00:00Z"),
              Duration.ofDays(3650));
      stranger =
          Keys.generate(
              Keys.Algorithm.EC_P256,
              "CN=Hostile Test Publisher",
              Instant.parse("2025-01-01T00:00:00Z"),
              Duration.ofDays(3650));
      p12 = Keys.toPkcs12(publisher, P12_PASS.toCharArray());
      bundle = buildBundle();
      bundleArchive = archive(bundle);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Material instance;

  /** The material, made on first use. */
  static synchronized Material get() {
    if (instance == null) {
      instance = new Material();
    }
    return instance;
  }

  /** The synthetic root inspect is given as {@code --trust-anchor}. */
  byte[] anchor() {
    return der(pki.root.cert());
  }

  /** The trusted publisher's certificate (publisher.crt). */
  byte[] publisherCertificate() {
    return der(publisher.certificate());
  }

  /** The publisher key as a PKCS#12 file with passphrase {@link #P12_PASS}. */
  byte[] publisherP12() {
    return p12;
  }

  static final String P12_PASS = "hostile";

  static String keyMd5(X509Certificate c) {
    return dev.trustbundle.verify.DisallowedStoreCheck.keyMd5(der(c));
  }

  static byte[] der(X509Certificate c) {
    return CtlBuilder.der(c);
  }

  /** A self-signed EC root (EC keys are quick to make). */
  static X509Certificate ecRoot(String dn) {
    return dev.trustbundle.testing.TestStores.ecRoot(dn);
  }

  /** A serialized store: header, then SHA-1 property and certificate element per certificate. */
  static byte[] sst(List<X509Certificate> certs) {
    return dev.trustbundle.testing.TestStores.sst(certs);
  }

  static byte[] sstRecord(int propId, byte[] value) {
    return dev.trustbundle.testing.TestStores.record(propId, value);
  }

  /** A CRL signed by {@code issuer} with {@code revoked} entries. */
  static byte[] crl(TestPki.Issued issuer, Instant next, int revoked) {
    return crl(issuer.cert(), issuer.key(), Instant.parse("2025-06-01T00:00:00Z"), next, revoked);
  }

  static byte[] crl(
      X509Certificate issuer, PrivateKey key, Instant thisUpdate, Instant next, int revoked) {
    try {
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
              Date.from(thisUpdate));
      b.setNextUpdate(Date.from(next));
      for (int i = 0; i < revoked; i++) {
        b.addCRLEntry(
            BigInteger.valueOf(1000 + i), Date.from(Instant.parse("2025-05-01T00:00:00Z")), 1);
      }
      return new JcaX509CRLConverter()
          .getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The synthetic upstream folder's files: the lists, the store and the roots. */
  Map<String, byte[]> upstream() {
    Map<String, byte[]> up = new java.util.LinkedHashMap<>();
    up.put("authrootstl.cab", cab);
    up.put("authroot.stl", stl);
    up.put(
        "disallowedcertstl.cab", new CabBuilder().add("disallowedcert.stl", disallowedStl).build());
    up.put("disallowedcert.sst", sst);
    up.put("authrootseq.txt", authrootSequence().getBytes(StandardCharsets.US_ASCII));
    for (X509Certificate r : roots) {
      up.put(Hex.sha1(der(r)) + ".crt", der(r));
    }
    return up;
  }

  private String authrootSequence() {
    return dev.trustbundle.ctl.CtlParser.parse(stl).ctl().sequenceNumber().orElseThrow().hex();
  }

  /** The trust anchors the synthetic lists chain to. */
  TrustAnchors anchors() {
    return new TrustAnchors(List.of(), List.of())
        .plus(List.of(der(pki.root.cert())), List.of("hostile test root"));
  }

  /** A bundle built by the real builder from an upstream folder, with the synthetic anchor. */
  SortedMap<String, byte[]> buildFrom(Path up) {
    return build(up, "hostile", BundleBuilder.RootsMode.ALL, BUILT, anchors(), publisher);
  }

  /** Builds a bundle with the real builder from a synthetic upstream folder. */
  private SortedMap<String, byte[]> buildBundle() throws IOException {
    Path up = Files.createTempDirectory("tb-hostile-upstream-");
    try {
      for (Map.Entry<String, byte[]> f : upstream().entrySet()) {
        Files.write(up.resolve(f.getKey()), f.getValue());
      }
      return buildFrom(up);
    } finally {
      deleteTree(up);
    }
  }

  /** The entries of a bundle built by the real builder from a local upstream folder. */
  static SortedMap<String, byte[]> build(
      Path up,
      String profile,
      BundleBuilder.RootsMode roots,
      Instant at,
      TrustAnchors anchors,
      SigningKey publisher) {
    try (Fetcher f =
        new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.fixed(at, ZoneOffset.UTC))) {
      BundleBuilder.Result r =
          new BundleBuilder(f, Optional.empty(), BundleBuilder.Progress.none())
              .build(
                  new BundleBuilder.Request(
                      up.toUri().toString(),
                      ProfileParser.parse(
                          profile + ".yaml",
                          ("name: " + profile + "\n").getBytes(StandardCharsets.UTF_8)),
                      roots,
                      null,
                      at,
                      Optional.empty(),
                      "hostile-corpus",
                      anchors,
                      VerifyOptions.DEFAULT),
                  publisher);
      return new TreeMap<>(r.entries());
    }
  }

  static byte[] archive(SortedMap<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BundleArchive.write(entries, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The bundle's manifest. */
  Manifest manifest() {
    return Json.read(bundle.get("manifest.json"));
  }

  /**
   * Writes a state folder in which the synthetic bundle is active, as an import leaves it. The
   * store's own import is used: the synthetic lists chain to a test root, which the command line
   * rightly refuses, so the evidence is stated here.
   */
  void seedState(Path dir) {
    Manifest m = manifest();
    List<String> lists = new ArrayList<>();
    m.lists().forEach(l -> lists.add(l.kind() + " " + l.sequenceNumber()));
    new StateStore(dir)
        .importBundle(
            bundle,
            new BundleVerifier.Verified(
                m,
                publisher.certificate().getSubjectX500Principal().getName(),
                m.files().size(),
                lists,
                List.of()),
            false,
            5,
            BUILT);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
