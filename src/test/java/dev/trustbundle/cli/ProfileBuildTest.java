package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.testing.UpstreamSim;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.SortedMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds with a profile: extra roots from URLs, intermediates by pin or chain, and CRLs. */
class ProfileBuildTest {
  static final String CA1 = "digicert_global_g2_tls_rsa_sha256_2020_ca1.pem";
  static final String AZ03 = "microsoft_azure_rsa_tls_issuing_ca_03.pem";

  static byte[] crl(TestPki.Issued issuer, Instant next) throws Exception {
    X509v2CRLBuilder b =
        new X509v2CRLBuilder(
            X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
            Date.from(Instant.parse("2025-06-20T00:00:00Z")));
    b.setNextUpdate(Date.from(next));
    b.addCRLEntry(BigInteger.valueOf(42), Date.from(Instant.parse("2025-06-01T00:00:00Z")), 1);
    return new JcaX509CRLConverter()
        .getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.key())))
        .getEncoded();
  }

  /** An upstream folder: the real 2025-06-16 tree plus the profile's files. */
  static Path upstream(Path dir, TestPki pki, byte[] crl) throws Exception {
    Path up = dir.resolve("up");
    Files.createDirectories(up);
    try (var s = Files.list(UpstreamSim.tree("2025-06-16"))) {
      for (Path p : s.toList()) {
        Files.copy(p, up.resolve(p.getFileName()));
      }
    }
    Path ints = Fixtures.require().resolve("certs/intermediates");
    Files.write(
        up.resolve("ca1.crt"),
        Certificates.split(Files.readAllBytes(ints.resolve(CA1)), CA1).get(0));
    Files.copy(ints.resolve(AZ03), up.resolve("az03.crt")); // PEM, as some CAs publish
    Files.write(up.resolve("testroot.crt"), CtlBuilder.der(pki.root.cert()));
    Files.write(up.resolve("test.crl"), crl);
    return up;
  }

  static String profile(TestPki pki, String ca1Pin) {
    return String.join(
        "\n",
        "name: test-cloud",
        "roots:",
        "  - name: DigiCert Global Root G2",
        "    sha1: DF3C24F9BFD666761B268073FE06D1CC8D4F82A4",
        "  - name: Microsoft RSA Root Certificate Authority 2017",
        "    sha1: 73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74",
        "  - name: Test Root",
        "    url: http://pki.test/testroot.crt",
        "    sha256: " + Hex.sha256(CtlBuilder.der(pki.root.cert())),
        "intermediates:",
        "  - name: DigiCert Global G2 TLS RSA SHA256 2020 CA1",
        "    url: http://cacerts.test/ca1.crt",
        "    sha256: " + ca1Pin,
        "  - name: Microsoft Azure RSA TLS Issuing CA 03",
        "    url: http://www.microsoft.test/pkiops/az03.crt",
        "    chain-to-root: bundle",
        "    subject: CN=Microsoft Azure RSA TLS Issuing CA 03, O=Microsoft Corporation, C=US",
        "crls:",
        "  - url: http://crl.test/test.crl",
        "");
  }

  static BuildCommandTest.Run run(Path dir, UpstreamSim sim, String profileYaml, String... extra)
      throws Exception {
    Path prof = dir.resolve("profile.yaml");
    Files.writeString(prof, profileYaml);
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "--profile",
                prof.toString(),
                "--roots",
                "profile",
                "--rewrite",
                "http://pki.test/=" + sim.url(),
                "--rewrite",
                "http://cacerts.test/=" + sim.url(),
                "--rewrite",
                "http://www.microsoft.test/pkiops/=" + sim.url(),
                "--rewrite",
                "http://crl.test/=" + sim.url()));
    args.addAll(java.util.List.of(extra));
    return BuildCommandTest.build(
        sim.url(), dir.resolve("b.tar.gz"), "2025-07-01", args.toArray(String[]::new));
  }

  @Test
  void carriesProfileRootsIntermediatesAndCrls(@TempDir Path dir) throws Exception {
    BuildCommandTest.keys(dir.resolve("k"));
    TestPki pki = TestPki.standard();
    Path up = upstream(dir, pki, crl(pki.root, Instant.parse("2025-12-31T00:00:00Z")));
    String ca1 = "C8025F9FC65FDFC95B3CA8CC7867B9A587B5277973957917463FC813D0B625A9";
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      BuildCommandTest.Run r = run(dir, sim, profile(pki, ca1));
      assertThat(r.code()).as(r.err()).isZero();
      SortedMap<String, byte[]> files =
          BundleArchive.read(
              new ByteArrayInputStream(Files.readAllBytes(dir.resolve("b.tar.gz"))),
              BundleArchive.Limits.DEFAULT);
      assertThat(files)
          .containsKey("mirror/DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt")
          .containsKey("extra/roots/" + Hex.sha1(CtlBuilder.der(pki.root.cert())) + ".crt")
          .containsKey("extra/intermediates/1B511ABEAD59C6CE207077C0BF0E0043B1382612.crt")
          .containsKey("extra/intermediates/37461AACFA5970F7F2D2BAC5A659B53B72541C68.crt")
          .containsKey("crl/crl.test/test.crl");
      // --roots profile: only the profile's CTL roots and the pinned Microsoft anchors' files.
      assertThat(files.keySet().stream().filter(n -> n.startsWith("mirror/") && n.endsWith(".crt")))
          .hasSizeLessThan(10);
      Manifest m = Json.read(files.get("manifest.json"));
      assertThat(m.files())
          .anyMatch(
              f -> f.role().equals("crl") && f.sourceUrl().equals("http://crl.test/test.crl"));
      assertThat(m.profile().name()).isEqualTo("test-cloud");
    }
    // Imported and served: the CRL answers at its original URL (by Host) and under /crl/.
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    Path state = dir.resolve("state");
    StringWriter err = new StringWriter();
    int imported =
        Main.run(
            new String[] {
              "import",
              dir.resolve("b.tar.gz").toString(),
              "--state",
              state.toString(),
              "--trust",
              trust.toString(),
              "--at",
              "2025-07-02"
            },
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(imported).as(err.toString()).isZero();
    try (dev.trustbundle.serve.MirrorServer server =
        new dev.trustbundle.serve.MirrorServer(
            new dev.trustbundle.store.StateStore(state),
            new dev.trustbundle.serve.MirrorServer.Options(
                java.util.Optional.of(new java.net.InetSocketAddress("127.0.0.1", 0)),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.List.of(),
                60,
                java.util.Optional.empty(),
                16),
            java.time.Clock.systemUTC())) {
      server.start();
      java.net.URI u = java.net.URI.create(server.urls().get(0));
      for (String[] req :
          new String[][] {
            {"crl.test", "/test.crl"}, {"mirror.internal", "/crl/crl.test/test.crl"}
          }) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", u.getPort())) {
          s.getOutputStream()
              .write(
                  ("GET "
                          + req[1]
                          + " HTTP/1.1\r\nHost: "
                          + req[0]
                          + "\r\nConnection: close\r\n\r\n")
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          String resp =
              new String(
                  s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
          assertThat(resp)
              .as(req[0] + req[1])
              .startsWith("HTTP/1.1 200")
              .contains("application/pkix-crl");
        }
      }
    }
  }

  @Test
  void failsNamingTheItemWhenAPinDoesNotMatch(@TempDir Path dir) throws Exception {
    BuildCommandTest.keys(dir.resolve("k"));
    TestPki pki = TestPki.standard();
    Path up = upstream(dir, pki, crl(pki.root, Instant.parse("2025-12-31T00:00:00Z")));
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      BuildCommandTest.Run r = run(dir, sim, profile(pki, "0".repeat(64)));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err())
          .contains("DigiCert Global G2 TLS RSA SHA256 2020 CA1")
          .contains("expected SHA-256");
      assertThat(dir.resolve("b.tar.gz")).doesNotExist();
    }
  }

  @Test
  void refusesStaleCrlsAndCrlsFromUnknownIssuers(@TempDir Path dir) throws Exception {
    BuildCommandTest.keys(dir.resolve("k"));
    TestPki pki = TestPki.standard();
    String ca1 = "C8025F9FC65FDFC95B3CA8CC7867B9A587B5277973957917463FC813D0B625A9";
    Path stale = dir.resolve("stale");
    Path up = upstream(stale, pki, crl(pki.root, Instant.parse("2025-06-25T00:00:00Z")));
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      BuildCommandTest.Run r = run(stale, sim, profile(pki, ca1));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("stale");
    }
    Path unknown = dir.resolve("unknown");
    TestPki.Issued other = TestPki.selfSigned("CN=Test Root CA 2010, O=TrustBundle Tests");
    Path up2 = upstream(unknown, pki, crl(other, Instant.parse("2025-12-31T00:00:00Z")));
    try (UpstreamSim sim = UpstreamSim.start(up2)) {
      BuildCommandTest.Run r = run(unknown, sim, profile(pki, ca1));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("not signed by a certificate of the bundle");
    }
  }
}
