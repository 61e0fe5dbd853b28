package dev.trustbundle.cli;

import static dev.trustbundle.cli.CloudBundle.check;
import static dev.trustbundle.cli.CloudBundle.intermediate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SstElement;
import dev.trustbundle.ctl.SstReader;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbundle check} against a real configmgr-cloud bundle and the real Azure CAs. */
class CheckCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CA03 = "microsoft_azure_rsa_tls_issuing_ca_03.pem";
  static final String CA03_XSIGN = "microsoft_azure_rsa_tls_issuing_ca_03_xsign.pem";

  @BeforeAll
  static void bundle() throws Exception {
    CloudBundle.require();
  }

  static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  @Test
  void buildsTheAzureIssuingCaWithTheBundleAlone() {
    CloudBundle.Run r = check(intermediate(CA03).toString(), "--at", "2025-07-02");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("[0] CN=Microsoft Azure RSA TLS Issuing CA 03,O=Microsoft Corporation,C=US")
        .contains("[1] CN=Microsoft RSA Root Certificate Authority 2017,O=Microsoft Corporation")
        .contains(
            "crl      [0] http://www.microsoft.com/pkiops/crl/Microsoft%20RSA%20Root%20Certificate"
                + "%20Authority%202017.crl: not in the bundle")
        .contains("mirror/73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74.crt")
        .contains("profile configmgr-cloud")
        .contains("BUILDS: the chain is trusted");
  }

  @Test
  void exitsFiveWhenTheCrossSignedCaExpiresWithinTheWindow() {
    String xsign = intermediate(CA03_XSIGN).toString();
    CloudBundle.Run soon = check(xsign, "--at", "2026-08-01", "--allow-expired");
    assertThat(soon.code()).as(soon.out() + soon.err()).isEqualTo(5);
    assertThat(soon.out())
        .contains("[1] CN=DigiCert Global Root G2,OU=www.digicert.com")
        .contains("expires on 2026-08-25T23:59:59Z (in 24 days)")
        .contains("warning  the bundle expired on 2025-07-31")
        .contains("BUILDS, BUT");
    CloudBundle.Run narrow =
        check(xsign, "--at", "2026-08-01", "--allow-expired", "--warn-days", "10");
    assertThat(narrow.code()).isZero();
  }

  @Test
  void exitsOneOnceACertificateHasExpired() throws Exception {
    String xsign = intermediate(CA03_XSIGN).toString();
    CloudBundle.Run late = check(xsign, "--at", "2026-09-01", "--allow-expired", "--json");
    assertThat(late.code()).isEqualTo(1);
    JsonNode j = JSON.readTree(late.out());
    assertThat(j.get("builds").asBoolean()).isTrue();
    assertThat(j.get("verdict").asText()).isEqualTo("fail");
    assertThat(j.get("findings").get(0).get("code").asText()).isEqualTo("expired");
    assertThat(j.get("findings").get(0).get("index").asInt()).isZero();
    // The bundle itself is refused as verify refuses it, unless accepted knowingly.
    CloudBundle.Run refused = check(xsign, "--at", "2026-09-01");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("expired on 2025-07-31").contains("--allow-expired");
  }

  @Test
  void saysWhichIntermediateIsMissingWhereToGetItAndWhatToAddToTheProfile(@TempDir Path dir)
      throws Exception {
    // A server certificate issued by CA 07 (its real name, in DER order, and key identifier),
    // which this bundle lacks, sent without its CA.
    TestPki.Issued leaf =
        TestCerts.cert("CN=cmg.contoso.example, O=Contoso")
            .claimedIssuer(
                "C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 07",
                Hex.parse("CE15163BEA02A3A66BDAD92BFDE58C52BE7A50A8"))
            .validity(
                java.time.Instant.parse("2025-06-01T00:00:00Z"),
                java.time.Instant.parse("2026-06-01T00:00:00Z"))
            .ekus("1.3.6.1.5.5.7.3.1")
            .caIssuers(CloudBundle.CA07_URL)
            .build();
    Path file = dir.resolve("cmg.pem");
    Files.writeString(file, pem(CtlBuilder.der(leaf.cert())));
    CloudBundle.Run r = check(file.toString(), "--at", "2025-07-02");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("missing  the certificate that issued \"cmg.contoso.example\"")
        .contains("CN=Microsoft Azure RSA TLS Issuing CA 07,O=Microsoft Corporation,C=US")
        .contains("download: " + CloudBundle.CA07_URL)
        .contains("add it to bundles/configmgr-cloud.yaml under intermediates:")
        .contains("url: \"" + CloudBundle.CA07_URL + "\"")
        .contains(
            "subject: \"CN=Microsoft Azure RSA TLS Issuing CA 07,O=Microsoft Corporation,C=US\"")
        .contains("DOES NOT BUILD");
    JsonNode j = JSON.readTree(check(file.toString(), "--at", "2025-07-02", "--json").out());
    assertThat(j.get("builds").asBoolean()).isFalse();
    assertThat(j.get("missing").get("kind").asText()).isEqualTo("issuer");
    assertThat(j.get("missing").get("keyId").asText())
        .isEqualTo("CE15163BEA02A3A66BDAD92BFDE58C52BE7A50A8");
    assertThat(j.get("missing").get("caIssuers").get(0).asText()).isEqualTo(CloudBundle.CA07_URL);
    assertThat(j.get("fixes").get(0).get("yaml").asText()).contains("chain-to-root: bundle");
    // The real CA 07 chains to a root the bundle carries, so adding it fixes the chain.
    CloudBundle.Run ca07 =
        check(
            intermediate("microsoft_azure_rsa_tls_issuing_ca_07.pem").toString(),
            "--at",
            "2025-07-02");
    assertThat(ca07.code()).as(ca07.out()).isZero();
  }

  @Test
  void checksTheRootsAttributesForTheEku() throws Exception {
    CloudBundle.Run r =
        check(
            intermediate(CA03).toString(), "--at", "2025-07-02", "--eku", "codeSigning", "--json");
    assertThat(r.code()).isEqualTo(1);
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("eku").asText()).isEqualTo("1.3.6.1.5.5.7.3.3");
    List<String> codes = j.get("findings").findValuesAsText("code");
    // Microsoft RSA Root 2017 is listed for serverAuth and clientAuth only; CA 03's EKUs agree.
    assertThat(codes).containsExactlyInAnyOrder("eku-not-allowed", "eku");
    CloudBundle.Run client =
        check(intermediate(CA03).toString(), "--at", "2025-07-02", "--eku", "1.3.6.1.5.5.7.3.2");
    assertThat(client.code()).isZero();
  }

  @Test
  void reportsACertificateMicrosoftDisallows(@TempDir Path dir) throws Exception {
    List<SstElement> store = SstReader.read(Fixtures.read(Fixtures.ctl("disallowedcert-2018.sst")));
    SstElement first = store.get(0);
    Path file = dir.resolve("disallowed.cer");
    Files.write(file, first.encoded());
    CloudBundle.Run r = check(file.toString(), "--at", "2025-07-02", "--json");
    assertThat(r.code()).isEqualTo(1);
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("findings").findValuesAsText("code")).contains("disallowed");
    assertThat(r.out()).contains(first.sha1());
  }

  @Test
  void trustsAProfileRootAndSaysClientsNeedIt(@TempDir Path dir) throws Exception {
    TestPki.Issued leaf =
        TestCerts.cert("CN=intranet.example")
            .issuer(CloudBundle.PKI.root)
            .cdp("http://crl.test/test.crl")
            .build();
    Path file = dir.resolve("intranet.pem");
    Files.writeString(file, pem(CtlBuilder.der(leaf.cert())));
    CloudBundle.Run r = check(file.toString(), "--at", "2025-07-02");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("extra/roots/")
        .contains("note     \"Test Root CA 2010\" is a profile root");
  }

  @Test
  void listsTheBundleByTimeLeft() throws Exception {
    CloudBundle.Run now = check("--expiring", "--at", "2025-07-02", "--json");
    assertThat(now.code()).as(now.err()).isZero();
    JsonNode items = JSON.readTree(now.out()).get("items");
    assertThat(items.size()).isGreaterThan(500);
    long previous = Long.MIN_VALUE;
    for (JsonNode i : items) {
      long d = i.get("daysLeft").asLong();
      assertThat(d).isGreaterThanOrEqualTo(previous);
      previous = d;
    }
    assertThat(items.findValuesAsText("kind"))
        .contains("root", "intermediate", "profile-root", "crl");
    assertThat(items.findValuesAsText("url")).contains("http://crl.test/test.crl");
    assertThat(items.get(0).get("expired").asBoolean()).isTrue();

    assertThat(check("--expiring", "--at", "2026-08-01", "--allow-expired").code()).isEqualTo(5);
    CloudBundle.Run late = check("--expiring", "--at", "2026-09-01", "--allow-expired");
    assertThat(late.code()).isEqualTo(1);
    assertThat(late.out())
        .contains("intermediate  Microsoft Azure RSA TLS Issuing CA 03")
        .contains("EXPIRED");
  }

  @Test
  void checksTheActiveVersionOfAStateFolder(@TempDir Path state) throws Exception {
    CloudBundle.Run imported =
        CloudBundle.run(
            "import",
            CloudBundle.bundle.toString(),
            "--state",
            state.toString(),
            "--trust",
            CloudBundle.trust.toString(),
            "--at",
            "2025-07-02");
    assertThat(imported.code()).as(imported.err()).isZero();
    CloudBundle.Run r =
        CloudBundle.run(
            "check",
            "--state",
            state.toString(),
            intermediate(CA03).toString(),
            "--at",
            "2025-07-02",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.get("trust").get("kind").asText()).isEqualTo("state");
    assertThat(j.get("chain").get(1).get("source").asText()).isEqualTo("ctl-root");

    // A root file damaged on disk is noticed, not trusted.
    Path version;
    try (var s = Files.list(state.resolve("versions"))) {
      version =
          s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    Files.write(
        version.resolve("mirror/73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74.crt"),
        new byte[] {0},
        StandardOpenOption.APPEND);
    CloudBundle.Run damaged =
        CloudBundle.run(
            "check",
            "--state",
            state.toString(),
            intermediate(CA03).toString(),
            "--at",
            "2025-07-02");
    assertThat(damaged.code()).isEqualTo(1);
    assertThat(damaged.err()).contains("does not match its manifest");
  }

  @Test
  void refusesIncompleteOrContradictoryOptions() {
    String ca = intermediate(CA03).toString();
    assertThat(CloudBundle.run("check", ca).code()).isEqualTo(2);
    assertThat(CloudBundle.run("check", "--bundle", CloudBundle.bundle.toString(), ca).err())
        .contains("--trust");
    assertThat(check(ca, "--eku", "serverAuthentication").err())
        .contains("--eku serverAuthentication")
        .contains("serverAuth");
    assertThat(check(ca, "--expiring").code()).isEqualTo(2);
    assertThat(check().code()).isEqualTo(2);
    assertThat(check(ca, "--warn-days", "-1").code()).isEqualTo(2);
    assertThat(check("missing.pem").code()).isEqualTo(2);
  }

  @Test
  void refusesAFileThatIsNotACertificate(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    CloudBundle.Run r = check(junk.toString(), "--at", "2025-07-02");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("junk.pem");
  }
}
