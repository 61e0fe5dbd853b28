package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbundle diff} on Microsoft's real lists and on bundles built from them. */
class DiffCommandTest {
  record Run(int code, String out, String err) {}

  /** The seven roots Microsoft removed between the 2025-06-16 and 2025-08-26 lists. */
  static final Map<String, String> SEVEN_REMOVED =
      new TreeMap<>(
          Map.of(
              "5BB59920D11B391479463ADD5100DB1D52F43AD4", "ANF Global Root CA",
              "9F8DE799CF8764ED2466990564041B194919EDE8", "ESIGNIT.ORG",
              "E621F3354379059A4B68309D8A2F74221587EC79", "GeoTrust Universal CA",
              "D2695E12F592E9C8EE2A4CB8D55E295FEE6B2D31", "SSC GDL CA VS Root",
              "84F2E3DD83133EA91D19527F02D729BFC15FE667",
                  "Symantec Class 1 Public Primary Certification Authority - G4",
              "6724902E4801B02296401046B4B1672CA975FD2B",
                  "Symantec Class 2 Public Primary Certification Authority - G4",
              "3BC0380B33C3F6A60C86152293D9DFF54B81C004", "Trustis FPS Root CA"));

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static Run diff(String... args) {
    List<String> a = new ArrayList<>(List.of("diff", "--at", "2025-09-01"));
    a.addAll(Arrays.asList(args));
    return run(a.toArray(String[]::new));
  }

  static Map<String, String> entries(JsonNode array) {
    Map<String, String> m = new TreeMap<>();
    array.forEach(e -> m.put(e.path("sha1").asText(), e.path("friendlyName").asText()));
    return m;
  }

  @Test
  void realListsOfJuneAndAugust2025NameTheSevenRemovedRoots(@TempDir Path dir) throws Exception {
    Path june = Fixtures.ctl("authrootstl-2025-06-16.cab");
    Path august = Fixtures.ctl("authroot-2025-08-26.stl");
    Path html = dir.resolve("diff.html");
    Run j =
        diff(
            "--json",
            "--roots",
            Fixtures.roots().toString(),
            "--html",
            html.toString(),
            june.toString(),
            august.toString());
    assertThat(j.code()).as(j.err()).isZero();
    assertThat(j.err()).isEmpty();
    JsonNode o = new ObjectMapper().readTree(j.out());
    assertThat(o.path("old").path("verified").asBoolean()).isTrue();
    assertThat(o.path("new").path("verified").asBoolean()).isTrue();
    assertThat(o.path("old").path("format").asText()).isEqualTo("cab");
    JsonNode a = o.path("lists").path("authroot");
    assertThat(a.path("old").path("sequenceNumber").asText()).isEqualTo("1401DBDEE7F1A4F449");
    assertThat(a.path("old").path("thisUpdate").asText()).isEqualTo("2025-06-16T17:56:11Z");
    assertThat(a.path("new").path("sequenceNumber").asText()).isEqualTo("1401DC16C38DC3B89E");
    assertThat(a.path("new").path("thisUpdate").asText()).isEqualTo("2025-08-26T19:56:46Z");
    assertThat(a.path("new").path("entries").asInt()).isEqualTo(507);
    assertThat(entries(a.path("removed"))).isEqualTo(SEVEN_REMOVED);
    assertThat(a.path("added")).isEmpty();
    assertThat(a.path("changed")).hasSize(73);
    assertThat(a.path("changed").toString())
        .contains(
            "\"sha1\":\"DE990CED99E0431F60EDC3937E7CD5BF0ED9E5FA\",\"friendlyName\":\"Cisco"
                + " Systems\",\"changes\":[\"disable date set for Server Authentication"
                + " (1.3.6.1.5.5.7.3.1): 2025-09-15\"]");

    String page = Files.readString(html);
    SEVEN_REMOVED.values().forEach(n -> assertThat(page).contains(n));
    assertThat(page).contains("id=\"authroot-removed\"").contains("both sides verified");
    try (var s = Files.list(dir)) {
      assertThat(s).containsExactly(html);
    }

    Run t = diff("--roots", Fixtures.roots().toString(), june.toString(), august.toString());
    assertThat(t.code()).isZero();
    assertThat(t.out())
        .contains("sequence        1401DBDEE7F1A4F449 -> 1401DC16C38DC3B89E")
        .contains("entries         514 -> 507: 0 added, 7 removed, 73 changed")
        .contains("  - E621F3354379059A4B68309D8A2F74221587EC79  GeoTrust Universal CA")
        .contains("      disable date set for the whole root: 2025-09-15");
  }

  @Test
  void aSideThatDoesNotVerifyIsComparedWithAWarning() throws Exception {
    // Without --roots the pinned Microsoft root is not at hand beside the fixtures.
    Run r =
        diff(
            "--json",
            Fixtures.ctl("authroot-2025-08-26.stl").toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString());
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .contains("warning: OLD")
        .contains("does not verify")
        .contains("compared all the same");
    JsonNode o = new ObjectMapper().readTree(r.out());
    assertThat(o.path("old").path("verified").asBoolean()).isFalse();
    assertThat(o.path("old").path("problems")).isNotEmpty();
    assertThat(o.path("lists").path("authroot").path("added")).hasSize(8);
  }

  @Test
  void refusesMalformedMissingAndMismatchedInputs(@TempDir Path dir) throws Exception {
    byte[] cab = Files.readAllBytes(Fixtures.ctl("authrootstl-2025-06-16.cab"));
    Path cut = dir.resolve("authrootstl.cab");
    Files.write(cut, Arrays.copyOf(cab, 4000));
    Path html = dir.resolve("d.html");
    Run bad =
        diff(
            cut.toString(),
            Fixtures.ctl("authroot-2025-08-26.stl").toString(),
            "--html",
            html.toString());
    assertThat(bad.code()).isEqualTo(3);
    assertThat(bad.err().strip()).startsWith("trustbundle: OLD " + cut).doesNotContain("\n");
    assertThat(html).doesNotExist();

    Run missing = diff(dir.resolve("nope.cab").toString(), cut.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");

    Run kinds =
        diff(
            Fixtures.ctl("authroot-2025-08-26.stl").toString(),
            Fixtures.ctl("disallowedcert-2016-05-24.stl").toString());
    assertThat(kinds.code()).isEqualTo(2);
    assertThat(kinds.err()).contains("compare two versions of the same list");

    Run store =
        diff(
            Fixtures.ctl("authroot-2025-08-26.stl").toString(),
            Fixtures.ctl("disallowedcert-2018.sst").toString());
    assertThat(store.code()).isEqualTo(2);
    assertThat(store.err()).contains("is a sst file");

    Run nowhere =
        diff(
            "--html",
            dir.resolve("no/such/dir/d.html").toString(),
            Fixtures.ctl("authroot-2025-08-26.stl").toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString());
    assertThat(nowhere.code()).isEqualTo(2);
  }

  @Test
  void comparesBundlesListByListAndABundleWithAList() throws Exception {
    Run r = diff("--json", TestBundles.june().toString(), TestBundles.august().toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode o = new ObjectMapper().readTree(r.out());
    assertThat(o.path("old").path("format").asText()).isEqualTo("bundle");
    assertThat(o.path("old").path("bundle").path("bundleId").asText()).startsWith("tb-");
    assertThat(entries(o.path("lists").path("authroot").path("removed"))).isEqualTo(SEVEN_REMOVED);
    JsonNode dis = o.path("lists").path("disallowedcert");
    assertThat(dis.path("old").path("sequenceNumber").asText()).isEqualTo("01D1B5FF1E1DCE20");
    assertThat(dis.path("added")).isEmpty();
    assertThat(dis.path("removed")).isEmpty();
    assertThat(o.path("notes").toString())
        .contains("both sides hold the same disallowedcert list")
        // June's bundle expired on 2025-07-31: refused on import, but still intact and compared.
        .contains("OLD bundle expired on 2025-07-31T00:00:00Z");
    assertThat(o.path("old").path("verified").asBoolean()).isTrue();
    assertThat(o.path("lists").has("pinrules")).isFalse();

    // A bundle against a bare list compares that list only: eight roots arrived in April 2026.
    Run mixed =
        run(
            "diff",
            "--json",
            "--at",
            "2026-05-01",
            "--roots",
            Fixtures.roots().toString(),
            TestBundles.august().toString(),
            Fixtures.ctl("authroot-2026-04-22.stl").toString());
    assertThat(mixed.code()).as(mixed.err()).isZero();
    JsonNode m = new ObjectMapper().readTree(mixed.out());
    assertThat(m.path("lists").size()).isEqualTo(1);
    assertThat(m.path("lists").path("authroot").path("added")).hasSize(8);
    assertThat(m.path("lists").path("authroot").path("removed")).isEmpty();
  }

  @Test
  void buildAndInspectWriteTheBundleReport(@TempDir Path dir) throws Exception {
    String page = Files.readString(TestBundles.buildReport());
    assertThat(page)
        .contains("built and verified")
        .contains("id=\"grace-table\"")
        .contains("id=\"changes-authroot-removed\"")
        .contains("Changes since tb-");
    SEVEN_REMOVED.values().forEach(n -> assertThat(page).contains(n));
    JsonNode changes =
        new ObjectMapper()
            .readTree(Files.readString(TestBundles.get().resolve("august-build.json")))
            .path("changes");
    assertThat(changes.path("rootsChanged")).hasSize(73);
    assertThat(changes.path("rootsChanged").toString())
        .contains(
            "6AD23B9DC48E375F859AD9CAB585325C23894071 AC1 RAIZ MTIN: disable date set for the"
                + " whole root: 2025-09-15");

    Path html = dir.resolve("inspect.html");
    Run r =
        run(
            "inspect",
            "--at",
            "2025-09-02",
            "--html",
            html.toString(),
            TestBundles.august().toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(html))
        .contains("id=\"verdict\" class=\"badge big ok\">VALID")
        .contains("signature intact")
        .contains("id=\"grace-table\"")
        .doesNotContain("Changes since");

    Run list =
        run(
            "inspect",
            "--html",
            dir.resolve("x.html").toString(),
            Fixtures.ctl("authroot-2025-08-26.stl").toString());
    assertThat(list.code()).isEqualTo(2);
    assertThat(list.err()).contains("--html renders a bundle's report");
    assertThat(dir.resolve("x.html")).doesNotExist();
  }
}
