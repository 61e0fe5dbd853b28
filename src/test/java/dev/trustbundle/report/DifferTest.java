package dev.trustbundle.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Comparing two signed lists end to end: verification of each side, then the diff and its forms.
 */
class DifferTest {
  static final TestPki PKI = TestPki.standard();
  static final Instant NOW = Instant.parse("2025-06-10T00:00:00Z");
  static final String HOSTILE =
      "<script>document.title='PWNED'</script><img src=x onerror=alert(1)> \u202Eevil\"'&";

  static Differ differ() {
    TrustAnchors anchors =
        new TrustAnchors(List.of(), List.of())
            .plus(List.of(CtlBuilder.der(PKI.root.cert())), List.of("Test Root CA 2010"));
    return new Differ(anchors, VerifyOptions.DEFAULT, NOW, in -> AnchorSource.none());
  }

  static InputFile file(String name, byte[] data) {
    return new InputFile("/lists/" + name, name, data);
  }

  static byte[] root(int n) {
    byte[] b = new byte[64];
    Arrays.fill(b, (byte) n);
    return b;
  }

  static byte[] older() {
    return new CtlBuilder(PKI)
        .thisUpdate(Instant.parse("2025-06-01T00:00:00Z"))
        .addRoot(root(1), "Kept Root")
        .addRoot(root(2), "Leaving Root")
        .build();
  }

  static byte[] newer() {
    return new CtlBuilder(PKI)
        .thisUpdate(Instant.parse("2025-06-05T00:00:00Z"))
        .addRoot(root(1), "Kept Root")
        .addRoot(root(3), HOSTILE)
        .build();
  }

  @Test
  void comparesTwoVerifiedListsInTextJsonAndHtml() throws Exception {
    DiffReport r = differ().diff(file("authroot-a.stl", older()), file("authroot-b.stl", newer()));
    assertThat(r.bothVerified()).isTrue();
    assertThat(r.lists()).hasSize(1);
    CtlDiff d = r.lists().get(0);
    assertThat(d.removed())
        .extracting(e -> e.friendlyName().orElse(""))
        .containsExactly("Leaving Root");
    assertThat(d.added()).extracting(e -> e.friendlyName().orElse("")).containsExactly(HOSTILE);

    JsonNode j = new ObjectMapper().readTree(DiffOutput.json(r));
    assertThat(j.path("old").path("verified").asBoolean()).isTrue();
    assertThat(j.path("identical").asBoolean()).isFalse();
    JsonNode a = j.path("lists").path("authroot");
    assertThat(a.path("old").path("thisUpdate").asText()).isEqualTo("2025-06-01T00:00:00Z");
    assertThat(a.path("new").path("sequenceNumber").asText()).startsWith("14");
    assertThat(a.path("removed").get(0).path("friendlyName").asText()).isEqualTo("Leaving Root");
    assertThat(a.path("removed").get(0).path("sha1").asText()).hasSize(40);
    assertThat(a.path("added").get(0).path("friendlyName").asText()).isEqualTo(HOSTILE);
    assertThat(a.path("changed")).isEmpty();

    String text = DiffOutput.text(r);
    assertThat(text)
        .contains("- " + a.path("removed").get(0).path("sha1").asText() + "  Leaving Root")
        .contains("1 added, 1 removed, 0 changed")
        // Bidi overrides are shown, not obeyed.
        .contains("\\u202Eevil")
        .doesNotContain("\u202E");
  }

  @Test
  void escapesAHostileFriendlyNameInTheHtmlPage() {
    DiffReport r = differ().diff(file("authroot-a.stl", older()), file("authroot-b.stl", newer()));
    String html = DiffOutput.html(r);
    assertThat(html)
        .contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;&lt;img src=x")
        .contains("\\u202Eevil&quot;&#39;&amp;")
        .doesNotContain("<script")
        .doesNotContain("<img")
        .doesNotContain("\u202E")
        .contains("Content-Security-Policy")
        .contains("id=\"authroot-added\"");
  }

  @Test
  void aSideThatDoesNotVerifyIsComparedAndMarked() {
    byte[] bad = new CtlBuilder(PKI).addRoot(root(1), "Kept Root").wrongMessageDigest().build();
    DiffReport r = differ().diff(file("authroot-a.stl", bad), file("authroot-b.stl", newer()));
    assertThat(r.bothVerified()).isFalse();
    assertThat(r.before().status()).isEqualTo(FileReport.Status.INVALID);
    assertThat(DiffReport.problems(r.before()))
        .anySatisfy(p -> assertThat(p).contains("messageDigest"));
    assertThat(r.lists().get(0).added()).hasSize(1);
    assertThat(DiffOutput.html(r)).contains("NOT VERIFIED");
  }

  @Test
  void notesANewSideThatIsOlderAndTheSameListTwice() {
    DiffReport back =
        differ().diff(file("authroot-b.stl", newer()), file("authroot-a.stl", older()));
    assertThat(back.notes()).anySatisfy(n -> assertThat(n).contains("older than OLD's"));
    DiffReport same =
        differ().diff(file("authroot-a.stl", older()), file("authroot-a.stl", older()));
    assertThat(same.identical()).isTrue();
    assertThat(same.notes()).anySatisfy(n -> assertThat(n).contains("both sides hold the same"));
  }

  @Test
  void refusesListsOfDifferentKindsCertificatesAndMalformedFiles() {
    byte[] disallowed =
        new CtlBuilder(PKI)
            .usage("1.3.6.1.4.1.311.10.3.30")
            .listIdentifier("DisallowedCert_AutoUpdate_1")
            .addEntry(new byte[16])
            .build();
    assertThatThrownBy(
            () ->
                differ()
                    .diff(file("authroot-a.stl", older()), file("disallowedcert.stl", disallowed)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("compare two versions of the same list");
    assertThatThrownBy(
            () ->
                differ()
                    .diff(
                        file("authroot-a.stl", older()),
                        file("root.crt", CtlBuilder.der(PKI.root.cert()))))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("NEW /lists/root.crt is a certificate file");
    byte[] cut = Arrays.copyOf(older(), 300);
    assertThatThrownBy(
            () -> differ().diff(file("authroot-a.stl", cut), file("authroot-b.stl", newer())))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageStartingWith("OLD /lists/authroot-a.stl: ");
  }
}
