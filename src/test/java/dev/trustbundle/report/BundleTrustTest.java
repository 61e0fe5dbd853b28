package dev.trustbundle.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.verify.ChainBuilder;
import dev.trustbundle.verify.ChainCandidate;
import dev.trustbundle.verify.ChainResult;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Reading a bundle's trust material: roles, the lists, the disallowed thumbprints, CRLs. */
class BundleTrustTest {
  static final TestPki PKI = TestPki.standard();
  static final Instant AT = Instant.parse("2025-07-02T00:00:00Z");

  final TestPki.Issued root = TestCerts.cert("CN=Listed Root").ca().build();
  final TestPki.Issued gone = TestCerts.cert("CN=Removed Root").ca().build();
  final TestPki.Issued unlisted = TestCerts.cert("CN=Mirror Root Not Listed").ca().build();
  final TestPki.Issued priv = TestCerts.cert("CN=Private Root").ca().build();
  final TestPki.Issued ca = TestCerts.cert("CN=Profile CA").issuer(root).ca().build();
  final TestPki.Issued bad = TestCerts.cert("CN=Bad CA").issuer(root).ca().build();
  final TestPki.Issued sstBad = TestCerts.cert("CN=Store Bad CA").issuer(root).ca().build();

  final Map<String, byte[]> files = new LinkedHashMap<>();
  final List<Manifest.FileInfo> infos = new ArrayList<>();

  void add(String path, byte[] data, String role, String url) {
    files.put(path, data);
    infos.add(
        new Manifest.FileInfo(path, data.length, Hex.sha256(data), role, url, null, null, null));
  }

  static byte[] der(TestPki.Issued i) {
    return CtlBuilder.der(i.cert());
  }

  static byte[] sst(byte[]... certs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    for (byte[] c : certs) {
      out.writeBytes(
          ByteBuffer.allocate(12 + c.length)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(32)
              .putInt(1)
              .putInt(c.length)
              .put(c)
              .array());
    }
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  BundleTrust trust() throws Exception {
    byte[] authroot = CtlBuilder.authroot(PKI, List.of(root.cert())).build();
    byte[] disallowed =
        new CtlBuilder(PKI)
            .usage("1.3.6.1.4.1.311.10.3.30")
            .listIdentifier("DisallowedCert_AutoUpdate_1")
            .addEntry(CtlBuilder.digest("SHA-1", der(bad)))
            .addEntry(new byte[16])
            .build();
    add("mirror/authroot.stl", authroot, "list", null);
    add("mirror/disallowedcert.stl", disallowed, "list", null);
    add("mirror/disallowedcert.sst", sst(der(sstBad)), "store", null);
    add("mirror/" + Hex.sha1(der(root)) + ".crt", der(root), "root", "http://up/root.crt");
    add("mirror/" + Hex.sha1(der(unlisted)) + ".crt", der(unlisted), "root", null);
    add("mirror/" + Hex.sha1(der(gone)) + ".crt", der(gone), "removed-root", null);
    add("extra/roots/" + Hex.sha1(der(priv)) + ".crt", der(priv), "extra-root", "http://p/r.crt");
    add(
        "extra/intermediates/" + Hex.sha1(der(ca)) + ".crt",
        der(ca),
        "intermediate",
        "http://p/ca.crt");
    X509v2CRLBuilder b =
        new X509v2CRLBuilder(
            X500Name.getInstance(root.cert().getSubjectX500Principal().getEncoded()),
            Date.from(Instant.parse("2025-06-20T00:00:00Z")));
    b.setNextUpdate(Date.from(Instant.parse("2025-07-20T00:00:00Z")));
    b.addCRLEntry(BigInteger.TEN, Date.from(Instant.parse("2025-06-01T00:00:00Z")), 1);
    byte[] crl =
        new JcaX509CRLConverter()
            .getCRL(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.key())))
            .getEncoded();
    add("crl/crl.p/root.crl", crl, "crl", "http://crl.p/root.crl");
    Manifest m =
        new Manifest(
            1,
            "tb-test",
            7,
            "2025-07-01T00:00:00Z",
            "2025-07-31T00:00:00Z",
            "trustbundle test",
            new Manifest.ProfileRef("site", "00"),
            "http://up/",
            List.of(
                new Manifest.ListInfo(
                    "authroot",
                    "mirror/authroot.stl",
                    "14",
                    "t",
                    "s",
                    List.of(),
                    "a",
                    true,
                    List.of()),
                new Manifest.ListInfo(
                    "disallowedcert",
                    "mirror/disallowedcert.stl",
                    "01",
                    "t",
                    "s",
                    List.of(),
                    "a",
                    true,
                    List.of())),
            infos,
            List.of(),
            List.of());
    return BundleTrust.of(m, files);
  }

  @Test
  void sortsTheBundlesCertificatesByWhatTheyMayDo() throws Exception {
    BundleTrust t = trust();
    Map<String, ChainCandidate.Source> sources = new LinkedHashMap<>();
    t.material()
        .certificates()
        .forEach(c -> sources.put(c.cert().getSubjectX500Principal().getName(), c.source()));
    assertThat(sources)
        .containsEntry("CN=Listed Root", ChainCandidate.Source.CTL_ROOT)
        // A mirror root the list does not name is not trusted, whatever its role says.
        .containsEntry("CN=Mirror Root Not Listed", ChainCandidate.Source.REMOVED_ROOT)
        .containsEntry("CN=Removed Root", ChainCandidate.Source.REMOVED_ROOT)
        .containsEntry("CN=Private Root", ChainCandidate.Source.EXTRA_ROOT)
        .containsEntry("CN=Profile CA", ChainCandidate.Source.INTERMEDIATE);
    assertThat(t.material().certificates())
        .filteredOn(c -> c.source() == ChainCandidate.Source.INTERMEDIATE)
        .singleElement()
        .satisfies(c -> assertThat(c.sourceUrl()).contains("http://p/ca.crt"));
    // Upstream's URL of a mirror root says nothing useful.
    assertThat(t.material().certificates())
        .filteredOn(c -> c.source() == ChainCandidate.Source.CTL_ROOT)
        .singleElement()
        .satisfies(c -> assertThat(c.sourceUrl()).isEmpty());
    assertThat(t.material().authroot()).isPresent();
    assertThat(t.crls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.url()).isEqualTo("http://crl.p/root.crl");
              assertThat(c.nextUpdate()).contains(Instant.parse("2025-07-20T00:00:00Z"));
            });
    assertThat(t.notes()).isEmpty();
  }

  @Test
  void takesDisallowedThumbprintsFromTheListAndTheStore() throws Exception {
    BundleTrust t = trust();
    assertThat(t.material().disallowedSha1())
        .containsExactlyInAnyOrder(Hex.sha1(der(bad)), Hex.sha1(der(sstBad)));
    for (TestPki.Issued i : List.of(bad, sstBad)) {
      TestPki.Issued leaf = TestCerts.cert("CN=leaf").issuer(i).build();
      ChainResult r =
          ChainBuilder.build(
              List.of(
                  ChainCandidate.of(
                      leaf.cert(),
                      der(leaf),
                      ChainCandidate.Source.GIVEN,
                      "l #1",
                      Optional.empty()),
                  ChainCandidate.of(
                      i.cert(), der(i), ChainCandidate.Source.GIVEN, "l #2", Optional.empty())),
              t.material(),
              new ChainBuilder.Options("1.3.6.1.5.5.7.3.1", AT, Duration.ofDays(30)));
      assertThat(r.built()).isTrue();
      assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
      assertThat(r.findings()).anyMatch(f -> f.code().equals("disallowed"));
    }
  }

  @Test
  void listsEverythingByTimeLeftWithTheProfilesItemsDecidingTheVerdict() throws Exception {
    List<Expiring.Item> items = Expiring.of(trust());
    assertThat(items).hasSize(6);
    assertThat(items.get(0).kind()).isEqualTo(Expiring.Kind.CRL);
    for (int i = 1; i < items.size(); i++) {
      assertThat(items.get(i).until().orElseThrow())
          .isAfterOrEqualTo(items.get(i - 1).until().orElseThrow());
    }
    assertThat(Expiring.verdict(items, AT, Duration.ofDays(30)))
        .isEqualTo(ChainResult.Verdict.EXPIRING);
    assertThat(Expiring.verdict(items, AT, Duration.ofDays(10))).isEqualTo(ChainResult.Verdict.OK);
    assertThat(Expiring.verdict(items, Instant.parse("2025-08-01T00:00:00Z"), Duration.ZERO))
        .isEqualTo(ChainResult.Verdict.FAIL);
    String text = Expiring.text("bundle b", items, AT, Duration.ofDays(30));
    assertThat(text).contains("http://crl.p/root.crl").contains("expiring");
  }
}
