package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.client.ProbeCheck.Status;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The probe's pure parts: URL normalisation, header verdicts, sampling, output hygiene. */
class ProbeTest {
  private static ProbeResponse answer(Map<String, List<String>> headers) {
    return new ProbeResponse("http://m/x", 200, headers, new byte[0], Optional.empty());
  }

  private static Status type(String ext, String contentType) {
    Map<String, List<String>> h =
        contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType));
    return Probe.contentType(answer(h), ext).orElseThrow().status();
  }

  @Test
  void normalisesMirrorUrlsAsRootDirUrls() {
    assertThat(ProbeOptions.base("http://ctl.example").toString()).isEqualTo("http://ctl.example/");
    assertThat(ProbeOptions.base("HTTP://ctl.example:8080/CTL").toString())
        .isEqualTo("http://ctl.example:8080/CTL/");
    assertThat(ProbeOptions.base(" https://h/a/b/ ").toString()).isEqualTo("https://h/a/b/");
    assertThat(ProbeOptions.base("file:///srv/ctl").toString()).isEqualTo("file:///srv/ctl/");
  }

  @Test
  void rejectsUrlsThatCannotBeAMirrorFolder() {
    for (String bad :
        List.of(
            "",
            "ftp://h/",
            "h/ctl",
            "http:///x",
            "http://h/?q",
            "http://h/#f",
            "http://user@h/",
            "file://server/share",
            "a b")) {
      assertThatThrownBy(() -> ProbeOptions.base(bad)).as(bad).isInstanceOf(UsageException.class);
    }
  }

  @Test
  void acceptsTheUsualContentTypesAndFailsTextOnBinaryFiles() {
    assertThat(type("cab", "application/vnd.ms-cab-compressed")).isEqualTo(Status.PASS);
    assertThat(type("cab", "Application/VND.ms-cab-compressed; charset=binary"))
        .isEqualTo(Status.PASS);
    assertThat(type("crt", "application/pkix-cert")).isEqualTo(Status.PASS);
    assertThat(type("crt", "application/x-x509-ca-cert")).isEqualTo(Status.PASS);
    // Whether clients look at Content-Type is unconfirmed: generic or none only warns.
    assertThat(type("cab", "application/octet-stream")).isEqualTo(Status.WARN);
    assertThat(type("crt", null)).isEqualTo(Status.WARN);
    assertThat(type("txt", "application/octet-stream")).isEqualTo(Status.WARN);
    assertThat(type("txt", "text/plain; charset=us-ascii")).isEqualTo(Status.PASS);
    // An error or portal page served with 200.
    assertThat(type("cab", "text/html")).isEqualTo(Status.FAIL);
    assertThat(type("crt", "application/json")).isEqualTo(Status.FAIL);
  }

  @Test
  void cachingNeedsAValidatorAndNoNoStore() {
    assertThat(Probe.caching(answer(Map.of("ETag", List.of("\"a\"")))).orElseThrow().status())
        .isEqualTo(Status.PASS);
    assertThat(
            Probe.caching(answer(Map.of("Last-Modified", List.of("Wed, 22 Apr 2026 01:00:00 GMT"))))
                .orElseThrow()
                .status())
        .isEqualTo(Status.PASS);
    ProbeCheck none = Probe.caching(answer(Map.of())).orElseThrow();
    assertThat(none.status()).isEqualTo(Status.FAIL);
    assertThat(none.got()).contains("neither ETag nor Last-Modified");
    ProbeCheck noStore =
        Probe.caching(
                answer(
                    Map.of(
                        "ETag", List.of("\"a\""), "Cache-Control", List.of("private, No-Store"))))
            .orElseThrow();
    assertThat(noStore.status()).isEqualTo(Status.FAIL);
    assertThat(noStore.got()).contains("no-store keeps clients");
  }

  @Test
  void theSampleDependsOnlyOnTheSeedAndKeepsListOrder() {
    List<CtlEntry> entries =
        CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl"))).ctl().entries();
    List<CtlEntry> a = Probe.sample(entries, 20, 42);
    assertThat(a).hasSize(20).doesNotHaveDuplicates();
    assertThat(a).containsExactlyElementsOf(Probe.sample(entries, 20, 42));
    assertThat(a).isNotEqualTo(Probe.sample(entries, 20, 43));
    List<Integer> positions = a.stream().map(entries::indexOf).toList();
    assertThat(positions).isSorted();
    assertThat(Probe.sample(entries, 5000, 1)).containsExactlyElementsOf(entries);
    assertThat(Probe.sample(entries, 0, 1)).isEmpty();
  }

  @Test
  void checkTextFromTheMirrorCannotForgeOutputLines() {
    ProbeCheck c =
        new ProbeCheck(
            "caching", Status.PASS, "http://m/x", "e", "ETag \"a\"\nPASS  root  forged\u001b[2J");
    assertThat(c.got()).doesNotContain("\n").doesNotContain("\u001b").contains("\\u000A");
    assertThat(new ProbeCheck("x", Status.PASS, "u", "e", "y".repeat(10_000)).got())
        .hasSize(2003)
        .endsWith("...");
    assertThatThrownBy(() -> new ProbeCheck("Bad Name", Status.PASS, "u", "e", "g"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesAnswersInWords() {
    assertThat(answer(Map.of()).describe()).isEqualTo("200, 0 bytes");
    assertThat(ProbeResponse.failed("http://m/x", "timed out after 1 s").describe())
        .isEqualTo("no answer: timed out after 1 s");
    assertThat(
            new ProbeResponse("file:///m/x", 404, Map.of(), new byte[0], Optional.empty())
                .describe())
        .isEqualTo("no such file");
  }
}
