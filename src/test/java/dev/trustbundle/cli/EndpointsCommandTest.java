package dev.trustbundle.cli;

import static dev.trustbundle.cli.CloudBundle.intermediate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbundle endpoints} on the real intermediates and a real bundle. */
class EndpointsCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static String[] args(String format, Path... files) {
    List<String> a = new ArrayList<>(List.of("endpoints", "--format", format));
    Stream.of(files).forEach(f -> a.add(f.toString()));
    return a.toArray(String[]::new);
  }

  static Path[] intermediates() throws Exception {
    try (var s = Files.list(Fixtures.require().resolve("certs/intermediates"))) {
      return s.sorted().toArray(Path[]::new);
    }
  }

  /** RFC 4180 fields of one record (no line breaks inside fields here). */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }

  @Test
  void listsTheRevocationHostsOfTheRealIntermediates() throws Exception {
    CloudBundle.Run r = CloudBundle.run(args("text", intermediates()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("15 files: 6 hosts referenced by 15 certificates")
        .contains("crl3.digicert.com  http:80  crl")
        .contains("ocsp.digicert.com  http:80  ocsp")
        .contains("cacerts.digicert.com  http:80  caIssuers")
        .contains("oneocsp.microsoft.com  http:80  ocsp")
        .contains("www.microsoft.com  http:80  crl,caIssuers")
        .contains(
            "http://www.microsoft.com/pkiops/crl/Microsoft%20RSA%20Root%20Certificate%20Authority%202017.crl");
  }

  @Test
  void listsTheEndpointsOfABundleAsCsvAndJson() throws Exception {
    CloudBundle.require();
    CloudBundle.Run csv = CloudBundle.run(args("csv", CloudBundle.bundle));
    assertThat(csv.code()).as(csv.err()).isZero();
    String[] lines = csv.out().split("\r\n");
    assertThat(csv.out()).endsWith("\r\n").doesNotContain("\n\n");
    assertThat(lines[0]).isEqualTo("host,scheme,port,kinds,url,certificates,examples");
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      List<String> f = fields(lines[i]);
      assertThat(f).as(lines[i]).hasSize(7);
      assertThat(Integer.parseInt(f.get(5))).isPositive();
      hosts.add(f.get(0));
    }
    assertThat(hosts)
        .contains(
            "crl3.digicert.com",
            "ocsp.digicert.com",
            "www.microsoft.com",
            "oneocsp.microsoft.com",
            // The CRL the manifest carries.
            "crl.test");
    // Roots' LDAP distribution points hold commas and are quoted.
    assertThat(csv.out()).contains(",\"ldap://directory.d-trust.net/CN=D-TRUST%20");

    CloudBundle.Run json = CloudBundle.run(args("json", CloudBundle.bundle));
    JsonNode j = JSON.readTree(json.out());
    assertThat(j.get("certificates").asInt()).isGreaterThan(500);
    JsonNode digicert = null;
    for (JsonNode h : j.get("hosts")) {
      if (h.get("host").asText().equals("crl3.digicert.com")) {
        digicert = h;
      }
    }
    assertThat(digicert).isNotNull();
    assertThat(digicert.get("endpoints").get(0).get("port").asInt()).isEqualTo(80);
    assertThat(digicert.get("kinds").get(0).asText()).isEqualTo("crl");
    // DigiCert G2 TLS CA1 and the three cross-signed Azure CAs point to G2's CRL.
    assertThat(digicert.get("certificateCount").asInt()).isEqualTo(4);
    assertThat(digicert.get("certificates")).hasSize(3);
    assertThat(digicert.get("urls").get(0).get("url").asText())
        .isEqualTo("http://crl3.digicert.com/DigiCertGlobalRootG2.crl");
    assertThat(j.get("problems")).isEmpty();
  }

  @Test
  void reportsUnreadableCertificatesAndExtensionsAndListsTheRest(@TempDir Path dir)
      throws Exception {
    TestPki.Issued broken =
        TestCerts.cert("CN=Broken CDP")
            .ocsp("http://ocsp.broken.example")
            .rawExtension("2.5.29.31", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05})
            .build();
    Path b = dir.resolve("broken.cer");
    Files.write(b, CtlBuilder.der(broken.cert()));
    Path junk = dir.resolve("junk.cer");
    Files.write(junk, new byte[] {0x30, 0x03, 0x02, 0x01, 0x05});
    Path good = intermediate("digicert_global_g2_tls_rsa_sha256_2020_ca1.pem");
    CloudBundle.Run r = CloudBundle.run(args("csv", b, junk, good));
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("ocsp.broken.example").contains("crl3.digicert.com");
    assertThat(r.err())
        .contains("Broken CDP")
        .contains("CRL distribution points extension is malformed")
        .contains("junk.cer");
    CloudBundle.Run text = CloudBundle.run(args("text", b));
    assertThat(text.out()).contains("problem: \"Broken CDP\"");
    assertThat(CloudBundle.run("endpoints", "--format", "xml", good.toString()).code())
        .isEqualTo(2);
  }
}
