package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.profile.ProfileParser;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.upstream.FetchOptions;
import dev.trustbundle.upstream.Fetcher;
import dev.trustbundle.verify.DisallowedStoreCheck;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle rules, each broken on its own in an otherwise valid bundle built by the real builder
 * from a synthetic upstream (no ../shared needed): the set of files is exact, every file sits at
 * the place of its role, and every file is verified for its role.
 */
class BundleCheckTest {
  static final Instant BUILT = Instant.parse("2025-06-02T00:00:00Z");

  static TestPki pki;
  static TrustAnchors anchors;
  static List<X509Certificate> roots;
  static byte[] stl;
  static byte[] disallowedCab;
  static SortedMap<String, byte[]> bundle;
  static Manifest manifest;

  @BeforeAll
  static void build(@TempDir Path up) throws Exception {
    pki = TestPki.standard();
    roots = List.of(pki.root.cert(), ecRoot("CN=Check Test Root EC"));
    stl = CtlBuilder.authroot(pki, roots).build();
    CtlBuilder dis =
        new CtlBuilder(pki)
            .usage("1.3.6.1.4.1.311.10.3.30")
            .listIdentifier("DisallowedCert_AutoUpdate_1");
    // The disallowed list names the EC root's key: the store may hold that root.
    dis.addEntry(Hex.parse(DisallowedStoreCheck.keyMd5(CtlBuilder.der(roots.get(1)))));
    disallowedCab = new CabBuilder().add("disallowedcert.stl", dis.build()).build();
    Files.write(up.resolve("authrootstl.cab"), new CabBuilder().add("authroot.stl", stl).build());
    Files.write(up.resolve("authroot.stl"), stl);
    Files.write(up.resolve("disallowedcertstl.cab"), disallowedCab);
    Files.write(up.resolve("disallowedcert.sst"), sst(List.of(roots.get(1))));
    for (X509Certificate r : roots) {
      byte[] der = CtlBuilder.der(r);
      Files.write(up.resolve(Hex.sha1(der) + ".crt"), der);
    }
    anchors =
        new TrustAnchors(List.of(), List.of())
            .plus(List.of(CtlBuilder.der(pki.root.cert())), List.of("check test root"));
    SigningKey key =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Check Test Publisher",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(3650));
    upstream = up;
    BundleCheckTest.key = key;
    BundleBuilder.Result r = build(key);
    bundle = new TreeMap<>(r.entries());
    manifest = r.manifest();
  }

  static Path upstream;
  static SigningKey key;

  static BundleBuilder.Result build(SigningKey key) {
    try (Fetcher f =
        new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.fixed(BUILT, ZoneOffset.UTC))) {
      return new BundleBuilder(f, Optional.empty(), BundleBuilder.Progress.none())
          .build(
              new BundleBuilder.Request(
                  upstream.toUri().toString(),
                  ProfileParser.parse(
                      "check.yaml", "name: check\n".getBytes(StandardCharsets.UTF_8)),
                  BundleBuilder.RootsMode.ALL,
                  null,
                  BUILT,
                  Optional.empty(),
                  "test",
                  anchors,
                  VerifyOptions.DEFAULT),
              key);
    }
  }

  @Test
  void packsUpstreamsAuthrootSeqAsFetchedWhenItStatesTheVerifiedSequence() throws Exception {
    String seq = new String(bundle.get("mirror/authrootseq.txt"), StandardCharsets.US_ASCII);
    byte[] upstreamForm = (seq.toLowerCase() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    Path file = upstream.resolve("authrootseq.txt");
    Files.write(file, upstreamForm);
    try {
      BundleBuilder.Result r = build(key);
      assertThat(r.entries().get("mirror/authrootseq.txt")).isEqualTo(upstreamForm);
      assertThat(check(new TreeMap<>(r.entries()), r.manifest()).problems()).isEmpty();
    } finally {
      Files.delete(file);
    }
    // Without an upstream copy it is written from the list: upper-case hex, no line end.
    assertThat(seq).matches("[0-9A-F]+");
  }

  @Test
  void refusesToSignWithAKeyThatImportWouldRefuse() {
    // A CA certificate: keyCertSign and cRLSign, no digitalSignature.
    TestPki.Issued ca = TestPki.selfSigned("CN=CA used as publisher");
    SigningKey key = new SigningKey(ca.key(), List.of(ca.cert()));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> build(key))
        .isInstanceOf(dev.trustbundle.error.UsageException.class)
        .hasMessageContaining("cannot sign bundles that import");
  }

  static BundleCheck.Report check(SortedMap<String, byte[]> files, Manifest m) {
    return BundleCheck.check(
        m, BundleCheck.Contents.of(files), anchors, VerifyOptions.DEFAULT, BUILT);
  }

  /** The bundle with one change, the manifest following it (sizes and hashes recomputed). */
  static BundleCheck.Report changed(Consumer<Edit> change) {
    Edit e = new Edit();
    change.accept(e);
    return check(e.files, e.manifest());
  }

  static final class Edit {
    final SortedMap<String, byte[]> files = new TreeMap<>(bundle);
    final List<Manifest.FileInfo> infos = new ArrayList<>(manifest.files());
    final List<Manifest.ListInfo> lists = new ArrayList<>(manifest.lists());
    final List<Manifest.RemovedRoot> removed = new ArrayList<>(manifest.removedRoots());

    Edit put(String path, byte[] body, String role) {
      return put(path, body, role, null);
    }

    Edit put(String path, byte[] body, String role, String url) {
      files.put(path, body);
      infos.removeIf(f -> f.path().equals(path));
      infos.add(
          new Manifest.FileInfo(path, body.length, Hex.sha256(body), role, url, null, null, null));
      return this;
    }

    Edit remove(String path) {
      files.remove(path);
      infos.removeIf(f -> f.path().equals(path));
      return this;
    }

    Manifest manifest() {
      Manifest m = manifest;
      return new Manifest(
          m.formatVersion(),
          m.bundleId(),
          m.sequence(),
          m.created(),
          m.expires(),
          m.tool(),
          m.profile(),
          m.upstream(),
          lists,
          infos,
          removed,
          m.warnings());
    }
  }

  @Test
  void acceptsTheBundleTheBuilderMade() {
    BundleCheck.Report r = check(bundle, manifest);
    assertThat(r.problems()).isEmpty();
    assertThat(r.filesVerified()).isEqualTo(manifest.files().size());
    assertThat(r.lists()).hasSize(2);
    assertThat(bundle).containsKeys("mirror/authroot.stl", "mirror/disallowedcert.sst");
  }

  @Test
  void refusesCaseTwinOfTheAuthrootCabinet() {
    byte[] old = new CabBuilder().add("authroot.stl", stl).compression(0).build();
    assertThat(changed(e -> e.put("mirror/AUTHROOTSTL.CAB", old, "list")).problems())
        .anyMatch(p -> p.contains("differ only in case"));
  }

  @Test
  void refusesListAtADecoyPath() {
    BundleCheck.Report r =
        changed(
            e -> {
              e.put("mirror/decoy.cab", bundle.get("mirror/authrootstl.cab"), "list");
              Manifest.ListInfo a = e.lists.get(0);
              e.lists.set(
                  0,
                  new Manifest.ListInfo(
                      a.kind(),
                      "mirror/decoy.cab",
                      a.sequenceNumber(),
                      a.thisUpdate(),
                      a.signer(),
                      a.chain(),
                      a.anchor(),
                      true,
                      a.warnings()));
            });
    assertThat(r.problems()).anyMatch(p -> p.contains("mirror/decoy.cab is not a place"));
  }

  @Test
  void refusesFilesWithNamesOutsideTheFixedSet() {
    for (String name :
        List.of(
            "mirror/shell.aspx", "mirror/web.config", "mirror/.htaccess", "mirror/index.html")) {
      for (String role : List.of("root", "list", "store")) {
        assertThat(changed(e -> e.put(name, new byte[] {1}, role)).problems())
            .as(name + " as " + role)
            .anyMatch(p -> p.contains(name + " is not a place") || p.contains(name + " must"));
      }
    }
    assertThat(changed(e -> e.put("mirror/x.crt", new byte[] {1}, "evil")).problems())
        .anyMatch(p -> p.contains("unknown role"));
  }

  @Test
  void refusesFileInTheArchiveButNotInTheManifest() {
    SortedMap<String, byte[]> f = new TreeMap<>(bundle);
    f.put("mirror/index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
    assertThat(check(f, manifest).problems())
        .anyMatch(p -> p.contains("mirror/index.html is in the archive but not in the manifest"));
  }

  @Test
  void refusesTheAuthrootCabinetInTheDisallowedSlot() {
    BundleCheck.Report r =
        changed(
            e ->
                e.put(
                    "mirror/disallowedcertstl.cab", bundle.get("mirror/authrootstl.cab"), "list"));
    assertThat(r.problems()).anyMatch(p -> p.startsWith("mirror/disallowedcertstl.cab:"));
  }

  @Test
  void refusesABundleWithoutTheDisallowedList() {
    BundleCheck.Report r =
        changed(
            e -> {
              e.remove("mirror/disallowedcertstl.cab");
              e.lists.removeIf(l -> l.kind().equals("disallowedcert"));
            });
    assertThat(r.problems()).anyMatch(p -> p.contains("has no mirror/disallowedcertstl.cab"));
  }

  @Test
  void refusesACabinetWithAnExtraMember() {
    byte[] two =
        new CabBuilder().add("aaa.stl", stl).add("authroot.stl", stl).compression(0).build();
    assertThat(changed(e -> e.put("mirror/authrootstl.cab", two, "list")).problems())
        .anyMatch(p -> p.contains("exactly one member"));
  }

  @Test
  void refusesAnAuthrootStlThatIsNotTheCabinetsList() {
    byte[] older =
        CtlBuilder.authroot(pki, roots).thisUpdate(Instant.parse("2025-05-01T00:00:00Z")).build();
    assertThat(changed(e -> e.put("mirror/authroot.stl", older, "list")).problems())
        .anyMatch(p -> p.contains("authroot.stl is not the list inside"));
  }

  @Test
  void refusesAnAuthrootSeqThatDisagreesWithTheList() {
    assertThat(
            changed(e -> e.put("mirror/authrootseq.txt", "0102".getBytes(), "sequence")).problems())
        .anyMatch(p -> p.contains("authrootseq.txt says 0102"));
    assertThat(
            changed(e -> e.put("mirror/authrootseq.txt", "<html>".getBytes(), "sequence"))
                .problems())
        .anyMatch(p -> p.contains("not a hex sequence number"));
  }

  @Test
  void acceptsAnAuthrootSeqInLowerCaseWithANewline() {
    String seq =
        new String(bundle.get("mirror/authrootseq.txt"), StandardCharsets.US_ASCII).toLowerCase();
    assertThat(
            changed(e -> e.put("mirror/authrootseq.txt", (seq + "\r\n").getBytes(), "sequence"))
                .problems())
        .isEmpty();
  }

  @Test
  void refusesAStoreWithACertificateTheDisallowedListDoesNotName() {
    byte[] trusted = sst(List.of(roots.get(0)));
    assertThat(changed(e -> e.put("mirror/disallowedcert.sst", trusted, "store")).problems())
        .anyMatch(p -> p.contains("is not named by the disallowed list"));
    byte[] empty = sst(List.of());
    assertThat(changed(e -> e.put("mirror/disallowedcert.sst", empty, "store")).problems())
        .anyMatch(p -> p.contains("holds no certificate"));
  }

  @Test
  void refusesAStoreWhosePropertiesLieOrRepeat() {
    byte[] listed = CtlBuilder.der(roots.get(1));
    byte[] otherSha1 = CtlBuilder.digest("SHA-1", CtlBuilder.der(roots.get(0)));
    byte[] lyingHash =
        store(dev.trustbundle.testing.TestStores.record(3, otherSha1), record(32, listed));
    assertThat(changed(e -> e.put("mirror/disallowedcert.sst", lyingHash, "store")).problems())
        .anyMatch(p -> p.contains("carries the SHA-1 hash property of another certificate"));
    byte[] friendlyName =
        store(
            record(3, CtlBuilder.digest("SHA-1", listed)),
            record(11, CtlBuilder.utf16z("Microsoft Root Authority")),
            record(32, listed));
    assertThat(changed(e -> e.put("mirror/disallowedcert.sst", friendlyName, "store")).problems())
        .anyMatch(p -> p.contains("carries properties [11]"));
    byte[] twice = sst(List.of(roots.get(1), roots.get(1)));
    assertThat(changed(e -> e.put("mirror/disallowedcert.sst", twice, "store")).problems())
        .anyMatch(p -> p.contains("is repeated"));
  }

  static byte[] record(int propId, byte[] value) {
    return dev.trustbundle.testing.TestStores.record(propId, value);
  }

  /** A store of these records (header, records, end record). */
  static byte[] store(byte[]... records) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    for (byte[] r : records) {
      out.writeBytes(r);
    }
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  @Test
  void refusesARootTheListDoesNotName() {
    byte[] other = CtlBuilder.der(ecRoot("CN=Not Listed"));
    String path = "mirror/" + Hex.sha1(other) + ".crt";
    assertThat(changed(e -> e.put(path, other, "root")).problems())
        .anyMatch(p -> p.contains("is not listed in the authroot list"));
    assertThat(changed(e -> e.put(path, other, "removed-root")).problems())
        .anyMatch(p -> p.contains("removedRoots lacks it"));
    assertThat(
            changed(
                    e -> {
                      e.put(path, other, "removed-root");
                      e.removed.add(
                          new Manifest.RemovedRoot(
                              Hex.sha1(other),
                              "gone",
                              "2025-01-01T00:00:00Z",
                              "2025-12-01T00:00:00Z"));
                    })
                .problems())
        .isEmpty();
  }

  @Test
  void refusesALowerCaseRootName() {
    byte[] der = CtlBuilder.der(roots.get(1));
    String lower = "mirror/" + Hex.sha1(der).toLowerCase() + ".crt";
    assertThat(changed(e -> e.put(lower, der, "root")).problems())
        .anyMatch(p -> p.contains("differ only in case") || p.contains("is not a place"));
  }

  @Test
  void refusesAFileOverItsBudget() {
    byte[] big = new byte[(int) Budget.MAX_CERT + 1];
    BundleCheck.Report r =
        changed(e -> e.put("extra/roots/" + Hex.sha1(big) + ".crt", big, "extra-root"));
    assertThat(r.problems()).anyMatch(p -> p.contains("over the budget"));
  }

  @Test
  void refusesACrlWithMoreEntriesThanServeCanParse() throws Exception {
    var b =
        new org.bouncycastle.cert.X509v2CRLBuilder(
            org.bouncycastle.asn1.x500.X500Name.getInstance(
                pki.root.cert().getSubjectX500Principal().getEncoded()),
            java.util.Date.from(Instant.parse("2025-06-01T00:00:00Z")));
    b.setNextUpdate(java.util.Date.from(Instant.parse("2025-07-01T00:00:00Z")));
    java.util.Date when = java.util.Date.from(Instant.parse("2025-05-01T00:00:00Z"));
    for (int i = 0; i <= Budget.MAX_CRL_ENTRIES; i++) {
      b.addCRLEntry(java.math.BigInteger.valueOf(1000 + i), when, 1);
    }
    byte[] crl =
        b.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                    .build(pki.root.key()))
            .getEncoded();
    assertThat(crl.length).isLessThan((int) Budget.MAX_CRL);
    assertThat(
            changed(e -> e.put("crl/crl.example/big.crl", crl, "crl", "http://crl.example/big.crl"))
                .problems())
        .anyMatch(p -> p.contains("revokes 100001 certificates, over the budget"));
  }

  @Test
  void refusesMoreProfileCertificatesThanTheBudget() {
    BundleCheck.Report r =
        changed(
            e -> {
              for (int i = 0; i <= Budget.MAX_PROFILE_CERTS; i++) {
                String name = String.format("%040X", i);
                e.put("extra/roots/" + name + ".crt", new byte[] {(byte) i}, "extra-root");
              }
            });
    assertThat(r.problems()).anyMatch(p -> p.contains("extra roots and intermediates, over"));
  }

  @Test
  void refusesClientFilesTheToolDoesNotWrite() {
    assertThat(changed(e -> e.put("client/evil.ps1", "x".getBytes(), "client")).problems())
        .anyMatch(p -> p.contains("client/evil.ps1 is not a place"));
    assertThat(
            changed(e -> e.put("client/Registry.pol", "not a policy".getBytes(), "client"))
                .problems())
        .anyMatch(p -> p.contains("is not a Registry.pol"));
  }

  @Test
  void refusesACrlThatDoesNotSitWhereItsUrlPutsIt() throws Exception {
    byte[] crl = crl(pki.root);
    BundleCheck.Report r =
        changed(e -> e.put("crl/evil.example/root.crl", crl, "crl", "http://crl.example/root.crl"));
    assertThat(r.problems()).anyMatch(p -> p.contains("does not sit where its URL puts it"));
    assertThat(
            changed(
                    e ->
                        e.put(
                            "crl/crl.example/root.crl", crl, "crl", "http://crl.example/root.crl"))
                .problems())
        .isEmpty();
  }

  @Test
  void refusesASourceUrlThatWouldShadowAMirrorFile() throws Exception {
    byte[] crl = crl(pki.root);
    String url = "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/";
    for (String name : List.of("pinrulesstl.cab", "AuthRoot.stl", "A".repeat(40) + ".crt")) {
      String path = BundleCheck.crlPath(url + name);
      assertThat(changed(e -> e.put(path, crl, "crl", url + name)).problems())
          .as(name)
          .anyMatch(p -> p.contains("ends in a name the mirror serves"));
    }
    assertThat(
            changed(
                    e ->
                        e.put("crl/crl.example/a.crl", crl, "crl", "http://crl.example/a.crl")
                            .put("crl/crl.example/b.crl", crl, "crl", "http://crl.example/a.crl"))
                .problems())
        .anyMatch(p -> p.contains("have the same source URL"));
  }

  @Test
  void refusesACrlSignedByAStranger() throws Exception {
    byte[] crl = crl(TestPki.selfSigned("CN=Stranger"));
    assertThat(
            changed(
                    e ->
                        e.put(
                            "crl/crl.example/root.crl", crl, "crl", "http://crl.example/root.crl"))
                .problems())
        .anyMatch(p -> p.contains("is not signed by a certificate of the bundle"));
  }

  @Test
  void refusesAnIntermediateThatIsNoCaOrChainsNowhere() {
    TestPki.Issued stranger = TestPki.selfSigned("CN=Stranger CA");
    byte[] der = CtlBuilder.der(stranger.cert());
    assertThat(
            changed(
                    e ->
                        e.put("extra/intermediates/" + Hex.sha1(der) + ".crt", der, "intermediate"))
                .problems())
        .anyMatch(p -> p.contains("does not chain to a root of the bundle"));
  }

  @Test
  void refusesIntermediatesThatIssueEachOtherAndTheirCrls() throws Exception {
    java.security.KeyPair ka = TestPki.rsa();
    java.security.KeyPair kb = TestPki.rsa();
    Instant from = Instant.parse("2020-01-01T00:00:00Z");
    Instant to = Instant.parse("2040-01-01T00:00:00Z");
    TestPki.Issued a0 =
        new TestPki.Issued(
            TestPki.cert("CN=Loop A", ka, null, from, to, true, null, "SHA256withRSA"),
            ka.getPrivate());
    TestPki.Issued b0 =
        new TestPki.Issued(
            TestPki.cert("CN=Loop B", kb, null, from, to, true, null, "SHA256withRSA"),
            kb.getPrivate());
    byte[] a =
        CtlBuilder.der(TestPki.cert("CN=Loop A", ka, b0, from, to, true, null, "SHA256withRSA"));
    byte[] b =
        CtlBuilder.der(TestPki.cert("CN=Loop B", kb, a0, from, to, true, null, "SHA256withRSA"));
    byte[] crl = crl(a0);
    BundleCheck.Report r =
        changed(
            e ->
                e.put("extra/intermediates/" + Hex.sha1(a) + ".crt", a, "intermediate")
                    .put("extra/intermediates/" + Hex.sha1(b) + ".crt", b, "intermediate")
                    .put("crl/crl.example/loop.crl", crl, "crl", "http://crl.example/loop.crl"));
    assertThat(r.problems())
        .anyMatch(p -> p.contains(Hex.sha1(a) + ".crt does not chain to a root of the bundle"))
        .anyMatch(p -> p.contains(Hex.sha1(b) + ".crt does not chain to a root of the bundle"))
        .anyMatch(p -> p.contains("loop.crl is not signed by a certificate of the bundle"));
  }

  static byte[] crl(TestPki.Issued issuer) throws Exception {
    var b =
        new org.bouncycastle.cert.X509v2CRLBuilder(
            org.bouncycastle.asn1.x500.X500Name.getInstance(
                issuer.cert().getSubjectX500Principal().getEncoded()),
            java.util.Date.from(Instant.parse("2025-06-01T00:00:00Z")));
    b.setNextUpdate(java.util.Date.from(Instant.parse("2025-07-01T00:00:00Z")));
    String alg = issuer.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return b.build(
            new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(alg).build(issuer.key()))
        .getEncoded();
  }

  static X509Certificate ecRoot(String dn) {
    return dev.trustbundle.testing.TestStores.ecRoot(dn);
  }

  static byte[] sst(List<X509Certificate> certs) {
    return dev.trustbundle.testing.TestStores.sst(certs);
  }
}
