package dev.trustbundle.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grouping, URL parsing and the three renderings of the endpoint list. */
class EndpointsTest {
  final TestPki.Issued root = TestCerts.cert("CN=Root, O=Tests").ca().build();

  static Endpoints.Subject subject(TestPki.Issued i) {
    return Endpoints.Subject.of(i.cert(), Hex.sha1(CtlBuilder.der(i.cert())));
  }

  Endpoints.Result sample() {
    TestPki.Issued a =
        TestCerts.cert("CN=CA \\\"A\\\"\\, Inc, O=Tests")
            .issuer(root)
            .ca()
            .cdp("http://crl.example.com/root.crl")
            .ocsp("http://ocsp.example.com")
            .caIssuers("http://crt.example.com:8080/root.crt")
            .build();
    TestPki.Issued b =
        TestCerts.cert("CN=CA B, O=Tests")
            .issuer(root)
            .ca()
            .cdp("http://CRL.example.com/root.crl")
            .cdp("http://crl.example.com/root.crl")
            .cdp("ldap:///CN=Root,CN=CDP,DC=corp,DC=example?certificateRevocationList")
            .cdp("https://[2001:db8::1]/x,y.crl")
            .build();
    return Endpoints.collect(
        List.of(subject(a), subject(b), subject(a)),
        List.of(
            new Endpoints.Reference(
                "http://crl.example.com/extra.crl", Endpoints.Kind.CRL, "bundle CRL x", "crl/x")));
  }

  @Test
  void groupsUrlsByHostWithTheirCertificates() {
    Endpoints.Result r = sample();
    assertThat(r.certificates()).isEqualTo(2);
    assertThat(r.hosts())
        .extracting(Endpoints.Host::host)
        .containsExactly("[2001:db8::1]", "crl.example.com", "crt.example.com", "ocsp.example.com");
    Endpoints.Host crl = r.hosts().get(1);
    assertThat(crl.urls())
        .extracting(Endpoints.Url::url)
        .containsExactly(
            "http://CRL.example.com/root.crl",
            "http://crl.example.com/extra.crl",
            "http://crl.example.com/root.crl");
    assertThat(crl.urls().get(2).referrers()).hasSize(2);
    assertThat(crl.referrers()).hasSize(3);
    assertThat(crl.endpoints()).containsExactly("http:80");
    assertThat(r.hosts().get(2).endpoints()).containsExactly("http:8080");
    assertThat(r.hosts().get(2).kinds()).containsExactly(Endpoints.Kind.CA_ISSUERS);
    assertThat(r.hosts().get(0).endpoints()).containsExactly("https:443");
    assertThat(r.withoutHost())
        .singleElement()
        .satisfies(u -> assertThat(u.scheme()).isEqualTo("ldap"));
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void parsesHostsAndPortsWithoutTrustingTheUrl() {
    assertThat(Endpoints.parse("http://user:pw@Host.Example:81/p?q#f").orElseThrow())
        .containsExactly("http", "host.example", "81");
    assertThat(Endpoints.parse("ldap:///CN=x").orElseThrow()).containsExactly("ldap", "", "");
    assertThat(Endpoints.parse("https://[::1]:8443").orElseThrow())
        .containsExactly("https", "[::1]", "8443");
    assertThat(Endpoints.parse("crl.example.com/x.crl")).isEmpty();
    assertThat(Endpoints.parse("http://[::1/x")).isEmpty();
  }

  @Test
  void reportsUrlsThatMakeNoSense() {
    TestPki.Issued c =
        TestCerts.cert("CN=Odd")
            .issuer(root)
            .cdp("not a url")
            .cdp("http://h.example:99999/x")
            .cdp("http://fine.example/x.crl")
            .build();
    Endpoints.Result r = Endpoints.collect(List.of(subject(c)), List.of());
    assertThat(r.hosts()).extracting(Endpoints.Host::host).containsExactly("fine.example");
    assertThat(r.problems()).hasSize(2);
    assertThat(r.problems().get(0)).contains("not a url");
    assertThat(r.problems().get(1)).contains("port");
  }

  @Test
  void reportsAMalformedExtensionAndKeepsTheOthers() {
    TestPki.Issued c =
        TestCerts.cert("CN=Broken")
            .issuer(root)
            .ocsp("http://ocsp.example.com")
            .rawExtension("2.5.29.31", new byte[] {0x30, 0x03, 0x02, 0x01, 0x05})
            .build();
    Endpoints.Result r = Endpoints.collect(List.of(subject(c)), List.of());
    assertThat(r.hosts()).extracting(Endpoints.Host::host).containsExactly("ocsp.example.com");
    assertThat(r.problems())
        .singleElement()
        .asString()
        .contains("Broken")
        .contains("CRL distribution points extension is malformed");
  }

  @Test
  void writesRfc4180Csv() {
    String csv = Endpoints.csv(sample());
    assertThat(csv).endsWith("\r\n");
    String[] lines = csv.split("\r\n");
    assertThat(lines[0]).isEqualTo("host,scheme,port,kinds,url,certificates,examples");
    assertThat(lines).hasSize(1 + 7);
    // A comma in the URL quotes the field; a quote in a name is doubled inside quotes.
    assertThat(csv).contains(",\"https://[2001:db8::1]/x,y.crl\",");
    assertThat(csv).contains(",\"CA \"\"A\"\", Inc; CA B\"\r\n");
    assertThat(lines[lines.length - 1]).startsWith(",ldap,389,crl,\"ldap:///CN=Root,CN=CDP,");
    assertThat(Endpoints.csvField("plain")).isEqualTo("plain");
    assertThat(Endpoints.csvField("a,b")).isEqualTo("\"a,b\"");
  }

  @Test
  void csvCellsCannotStartFormulasNorHideBehindControlOrBidiCharacters() {
    assertThat(Endpoints.csvField("=HYPERLINK(\"http://evil\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    assertThat(Endpoints.csvField("+1")).isEqualTo("'+1");
    assertThat(Endpoints.csvField("-2+3")).isEqualTo("'-2+3");
    assertThat(Endpoints.csvField("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Endpoints.csvField("  =1")).isEqualTo("'  =1");
    assertThat(Endpoints.csvField("\uFF1D1+1")).isEqualTo("'\uFF1D1+1");
    assertThat(Endpoints.csvField("\t=1")).isEqualTo("\\u0009=1");
    assertThat(Endpoints.csvField("\r=1")).isEqualTo("\\u000D=1");
    assertThat(Endpoints.csvField("a\nb")).isEqualTo("a\\u000Ab");
    assertThat(Endpoints.csvField("CN=gpj.\u202Eexe")).isEqualTo("CN=gpj.\\u202Eexe");
    assertThat(Endpoints.csvField("CN=Root, O=Tests")).isEqualTo("\"CN=Root, O=Tests\"");
  }

  @Test
  void aHostileCertificateNameInTheExamplesColumnIsNeutralised() {
    TestPki.Issued evil =
        TestCerts.cert("CN=@cmd|' /C calc'!A0\u202E")
            .issuer(root)
            .cdp("http://crl.example.com/evil.crl")
            .build();
    String csv = Endpoints.csv(Endpoints.collect(List.of(subject(evil)), List.of()));
    String row = csv.split("\r\n")[1];
    assertThat(row).endsWith(",'@cmd|' /C calc'!A0\\u202E").doesNotContain("\u202E");
  }

  @Test
  void writesJsonByHost() throws Exception {
    JsonNode j = new ObjectMapper().readTree(Endpoints.json("x", sample()).toString());
    assertThat(j.get("certificates").asInt()).isEqualTo(2);
    JsonNode h = j.get("hosts").get(1);
    assertThat(h.get("host").asText()).isEqualTo("crl.example.com");
    assertThat(h.get("endpoints").get(0).get("scheme").asText()).isEqualTo("http");
    assertThat(h.get("endpoints").get(0).get("port").asInt()).isEqualTo(80);
    assertThat(h.get("kinds").get(0).asText()).isEqualTo("crl");
    assertThat(h.get("certificateCount").asInt()).isEqualTo(3);
    assertThat(h.get("urls")).hasSize(3);
    assertThat(j.get("withoutHost")).hasSize(1);
    assertThat(j.get("problems")).isEmpty();
  }
}
