package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A bundle built once per JVM from the real 2025-06-16 upstream with the shipped {@code
 * bundles/configmgr-cloud.yaml} profile, changed only where the fixtures force it: its CRLs are not
 * available, so a test CRL from a test root (a profile root from a URL) takes their place; and
 * Microsoft Azure RSA TLS Issuing CA 07 is left out, as a site that forgot it would have.
 */
final class CloudBundle {
  static final String CA07_URL =
      "http://www.microsoft.com/pkiops/certs/Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%2007.crt";
  static final TestPki PKI = TestPki.standard();

  static Path dir;
  static Path bundle;
  static Path trust;

  private CloudBundle() {}

  /** Builds the bundle on first use (a few seconds: every root of the list is verified). */
  static synchronized void require() throws Exception {
    if (bundle != null) {
      return;
    }
    UpstreamSim.require();
    Path d = Files.createTempDirectory("tb-cloud-");
    BuildCommandTest.keys(d.resolve("k"));
    Path up = d.resolve("up");
    Files.createDirectories(up);
    try (var s = Files.list(UpstreamSim.tree("2025-06-16"))) {
      for (Path p : s.toList()) {
        Files.copy(p, up.resolve(p.getFileName()));
      }
    }
    // The profile's intermediates, under the last segment of their URLs (upstream-sim matches it).
    Path ints = Fixtures.require().resolve("certs/intermediates");
    for (String n : List.of("03", "04", "08")) {
      Files.copy(
          ints.resolve("microsoft_azure_rsa_tls_issuing_ca_" + n + ".pem"),
          up.resolve("Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%20" + n + ".crt"));
      Files.copy(
          ints.resolve("microsoft_azure_rsa_tls_issuing_ca_" + n + "_xsign.pem"),
          up.resolve("Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%20" + n + "%20-%20xsign.crt"));
    }
    Files.copy(
        ints.resolve("digicert_global_g2_tls_rsa_sha256_2020_ca1.pem"),
        up.resolve("DigiCertGlobalG2TLSRSASHA2562020CA1-1.crt"));
    Files.write(up.resolve("testroot.crt"), CtlBuilder.der(PKI.root.cert()));
    Files.write(
        up.resolve("test.crl"),
        ProfileBuildTest.crl(PKI.root, Instant.parse("2027-01-01T00:00:00Z")));

    String shipped = Files.readString(Path.of("bundles", "configmgr-cloud.yaml"));
    StringBuilder profile = new StringBuilder();
    boolean skip = false;
    for (String line : shipped.split("\n", -1)) {
      if (line.startsWith("crls:")) {
        break;
      }
      if (line.startsWith("  - name: Microsoft Azure RSA TLS Issuing CA 07")) {
        skip = true;
        continue;
      }
      if (skip && line.startsWith("    ")) {
        continue;
      }
      skip = false;
      if (line.equals("intermediates:")) {
        profile
            .append("  - name: Test Root\n    url: http://pki.test/testroot.crt\n    sha256: ")
            .append(Hex.sha256(CtlBuilder.der(PKI.root.cert())))
            .append('\n');
      }
      profile.append(line).append('\n');
    }
    profile.append("crls:\n  - url: http://crl.test/test.crl\n");
    assertThat(profile).doesNotContain("CA 07").contains("CA 03 (DigiCert Global Root G2)");
    Path prof = d.resolve("configmgr-cloud.yaml");
    Files.writeString(prof, profile);

    Path out = d.resolve("configmgr-cloud.tar.gz");
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      BuildCommandTest.Run r =
          BuildCommandTest.build(
              sim.url(),
              out,
              "2025-07-01",
              "--profile",
              prof.toString(),
              "--rewrite",
              "http://www.microsoft.com/pkiops/certs/=" + sim.url(),
              "--rewrite",
              "http://cacerts.digicert.com/=" + sim.url(),
              "--rewrite",
              "http://pki.test/=" + sim.url(),
              "--rewrite",
              "http://crl.test/=" + sim.url());
      assertThat(r.code()).as(r.err()).isZero();
    }
    trust = d.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    dir = d;
    bundle = out;
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  /** {@code check --bundle B --trust T} followed by {@code args}. */
  static Run check(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "check";
    all[1] = "--bundle";
    all[2] = bundle.toString();
    all[3] = "--trust";
    all[4] = trust.toString();
    System.arraycopy(args, 0, all, 5, args.length);
    return run(all);
  }

  static Path intermediate(String name) {
    return Fixtures.require().resolve("certs/intermediates").resolve(name);
  }
}
