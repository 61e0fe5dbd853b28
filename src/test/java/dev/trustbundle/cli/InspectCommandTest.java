package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static final String AT = "2026-11-23T00:00:00Z";

  @Test
  void inspectsRealCabinetAsValidWithRootsChecked() {
    Path cab = Fixtures.ctl("authrootstl-2025-06-16.cab");
    Run r = run("inspect", "--at", AT, "--roots", Fixtures.roots().toString(), cab.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("1401DBDEE7F1A4F449")
        .contains("2025-06-16T17:56:11Z")
        .contains("Microsoft Root Certificate Authority 2010  (pinned)")
        .contains("514 of 514 present and matching")
        .contains("VALID")
        .contains("DigiCert Global Root G2");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void printsOneJsonObjectPerFileWithTheDocumentedFields() throws Exception {
    Run r =
        run(
            "inspect",
            "--json",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString(),
            Fixtures.ctl("disallowedcert-2018.sst").toString());
    assertThat(r.code()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode list = new ObjectMapper().readTree(lines[0]);
    assertThat(list.get("kind").asText()).isEqualTo("authroot");
    assertThat(list.get("sequenceNumber").asText()).isEqualTo("1401DCD1EFA35B4A5B");
    assertThat(list.get("thisUpdate").asText()).isEqualTo("2026-04-22T00:33:28Z");
    JsonNode sig = list.get("signature");
    assertThat(sig.get("valid").asBoolean()).isTrue();
    assertThat(sig.get("signer").asText()).isEqualTo("Microsoft Certificate Trust List Publisher");
    assertThat(sig.get("chain")).hasSize(3);
    assertThat(sig.get("anchor").asText()).isEqualTo("Microsoft Root Certificate Authority 2010");
    assertThat(sig.get("warnings").toString()).contains("expired on 2026-11-11");
    JsonNode entries = list.get("entries");
    assertThat(entries).hasSize(515);
    JsonNode e = entries.get(0);
    for (String f :
        new String[] {"sha1", "sha256", "friendlyName", "ekus", "disabledAfter", "notBefore"}) {
      assertThat(e.has(f)).as(f).isTrue();
    }
    assertThat(e.get("sha1").asText()).matches("[0-9A-F]{40}");
    JsonNode sst = new ObjectMapper().readTree(lines[1]);
    assertThat(sst.get("kind").asText()).isEqualTo("sst");
    assertThat(sst.get("certificates")).hasSize(71);
    assertThat(sst.get("certificates").get(0).has("subject")).isTrue();
  }

  @Test
  void exitsOneForTamperedListWithoutStackTrace(@TempDir Path dir) throws Exception {
    byte[] stl = Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl"));
    stl[stl.length / 2] ^= 1; // inside the entries: digest no longer matches
    Path f = dir.resolve("authroot.stl");
    Files.write(f, stl);
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("INVALID").contains("messageDigest does not match");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void exitsOneWhenARootFileDoesNotMatchItsEntry(@TempDir Path dir) throws Exception {
    Path roots = dir.resolve("roots");
    Files.createDirectories(roots);
    String g2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4";
    Files.copy(
        Fixtures.roots().resolve("3B1EFD3A66EA28B16697394703A72CA340A05BD5.crt"),
        roots.resolve("3B1EFD3A66EA28B16697394703A72CA340A05BD5.crt"));
    // A swapped root: G3's bytes under G2's name.
    Files.copy(
        Fixtures.roots().resolve("7E04DE896A3E666D00E687D33FFAD93BE83D349E.crt"),
        roots.resolve(g2 + ".crt"));
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            roots.toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("1 NOT matching").contains(g2 + ".crt");
  }

  @Test
  void checksCertificatesAgainstAnAuthrootListGivenAlongside() {
    Path g2 = Fixtures.roots().resolve("DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt");
    Run r =
        run(
            "inspect",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString(),
            g2.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("listed in authroot 1401DCD1EFA35B4A5B");
  }

  @Test
  void exitsThreeForMalformedInputAndKeepsGoing(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("authrootstl.cab");
    byte[] cab = new CabBuilder().add("authroot.stl", new byte[5000]).build();
    cab[cab.length - 1] ^= 1;
    Files.write(bad, cab);
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            bad.toString(),
            Fixtures.ctl("authroot-2025-08-26.stl").toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("MALFORMED: CFDATA block 0").contains("1401DC16C38DC3B89E");
  }

  @Test
  void reportsUnreadableFileInPlaceAndInspectsTheOthers() {
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            "does-not-exist.cab",
            Fixtures.ctl("authroot-2025-08-26.stl").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .contains("UNREADABLE: does-not-exist.cab: no such file")
        .contains("1401DC16C38DC3B89E");
  }

  @Test
  void checksOnlyRootsAgainstTheListAndAcceptsPemWithLeadingText(@TempDir Path dir)
      throws Exception {
    Path pem = Fixtures.require().resolve("certs/intermediates/microsoft_rsa_tls_ca_1.pem");
    Path withText = dir.resolve("withtext.pem");
    Files.writeString(withText, "Bag Attributes\n    friendlyName: x\n" + Files.readString(pem));
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            Fixtures.roots().toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString(),
            withText.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain("not listed");
  }

  @Test
  void escapesControlCharactersFromHostileCertificates(@TempDir Path dir) throws Exception {
    var evil = TestPki.selfSigned("CN=evil\u001b[31mRED, O=x");
    Path f = dir.resolve("evil.crt");
    Files.write(f, CtlBuilder.der(evil.cert()));
    Run r = run("inspect", f.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain("\u001b").contains("\\u001B");
  }

  @Test
  void namesMissingRootFiles(@TempDir Path dir) throws Exception {
    Path roots = dir.resolve("roots");
    Files.createDirectories(roots);
    var ctl =
        dev.trustbundle.ctl.CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl")))
            .ctl();
    for (var e : ctl.entries()) {
      if (!e.identifierHex().equals("DF3C24F9BFD666761B268073FE06D1CC8D4F82A4")) {
        Files.copy(
            Fixtures.roots().resolve(e.identifierHex() + ".crt"),
            roots.resolve(e.identifierHex() + ".crt"));
      }
    }
    Run r =
        run(
            "inspect",
            "--summary",
            "--at",
            AT,
            "--roots",
            roots.toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString());
    assertThat(r.out())
        .contains("514 of 515")
        .contains("missing         DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt");
  }

  @Test
  void exitsTwoForUsageErrorsWithOneLine() {
    Run unknown = run("inspect", "--bogus", "x");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err().strip()).doesNotContain("\n").contains("--bogus");
    Run missing = run("inspect", "does-not-exist.cab");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.out()).contains("no such file");
    Run anchor = run("inspect", "--trust-anchor", "nope.crt", "x.stl");
    assertThat(anchor.code()).isEqualTo(2);
    assertThat(anchor.err()).contains("--trust-anchor nope.crt: no such file");
    Run time = run("inspect", "--at", "soon", "x");
    assertThat(time.code()).isEqualTo(2);
    assertThat(time.err()).contains("--at soon is not a time");
    assertThat(run().code()).isEqualTo(2);
  }

  @Test
  void trustsSyntheticListThroughTrustAnchorFlag(@TempDir Path dir) throws Exception {
    TestPki pki = TestPki.standard();
    byte[] list = new CtlBuilder(pki).addRoot(new byte[] {9}, "x").build();
    Path stl = dir.resolve("authroot.stl");
    Files.write(stl, list);
    Path anchor = dir.resolve("anchor.crt");
    Files.write(anchor, CtlBuilder.der(pki.root.cert()));
    assertThat(run("inspect", "--at", "2025-06-02", stl.toString()).code()).isEqualTo(1);
    Run ok =
        run("inspect", "--at", "2025-06-02", "--trust-anchor", anchor.toString(), stl.toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("Test Root CA 2010  (--trust-anchor anchor.crt)");
  }

  @Test
  void checksACrlWithTheCertificateOfItsIssuerNamedAlongside(@TempDir Path dir) throws Exception {
    TestPki pki = TestPki.standard();
    Path crl = dir.resolve("root.crl");
    Files.write(
        crl, ProfileBuildTest.crl(pki.root, java.time.Instant.parse("2025-12-31T00:00:00Z")));
    Path issuer = dir.resolve("root.crt");
    Files.write(issuer, CtlBuilder.der(pki.root.cert()));
    Run ok = run("inspect", "--json", "--at", "2025-07-01", crl.toString(), issuer.toString());
    assertThat(ok.code()).as(ok.out()).isZero();
    JsonNode j = new ObjectMapper().readTree(ok.out().lines().findFirst().orElseThrow());
    assertThat(j.get("kind").asText()).isEqualTo("crl");
    assertThat(j.get("status").asText()).isEqualTo("valid");
    assertThat(j.get("crl").get("revoked").asInt()).isEqualTo(1);
    assertThat(j.get("crl").get("signer").asText()).contains("Test Root CA 2010");
    // Without its issuer the signature cannot be checked; after nextUpdate the CRL is stale.
    Run alone = run("inspect", "--at", "2025-07-01", crl.toString());
    assertThat(alone.code()).isEqualTo(1);
    assertThat(alone.out()).contains("no certificate of its issuer").contains("INVALID");
    Run stale = run("inspect", "--at", "2026-01-05", crl.toString(), issuer.toString());
    assertThat(stale.code()).isEqualTo(1);
    assertThat(stale.out()).contains("stale: its nextUpdate 2025-12-31T00:00:00Z has passed");
  }

  @Test
  void helpListsTheExitCodes() {
    Run r = run("inspect", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Exit codes").contains("malformed input").contains("--roots");
  }
}
