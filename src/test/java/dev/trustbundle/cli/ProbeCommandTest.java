package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.FaultyMirror;
import dev.trustbundle.testing.FaultyMirror.Fault;
import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustbundle probe} against our own {@code serve} (a real built and imported bundle of the
 * fixtures) and against a small mirror with deliberate faults, each of which must be named.
 */
class ProbeCommandTest {
  /** The fixtures' newest list; evaluated a week after it was issued. */
  static final String DATE = "2026-04-22";

  static final String AT = "2026-04-29";
  static Path tree;
  static Path state;
  static MirrorServer server;
  static String served;

  record Run(int code, String out, String err) {
    List<String> lines(String status, String check) {
      return out.lines()
          .filter(l -> l.startsWith(String.format("%-4s  %-17s ", status, check)))
          .toList();
    }
  }

  static Run probe(String... args) {
    List<String> a = new ArrayList<>(List.of("probe"));
    a.addAll(List.of(args));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(a.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    tree = UpstreamSim.tree(DATE);
    BuildCommandTestAccess.keys(dir.resolve("keys"));
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTestAccess.certificate());
    Path bundle = dir.resolve("bundle.tar.gz");
    String now = Instant.now().toString();
    assertThat(BuildCommandTestAccess.build(tree.toString(), bundle, now)).isZero();
    state = dir.resolve("state");
    assertThat(
            Main.run(
                new String[] {
                  "import",
                  bundle.toString(),
                  "--state",
                  state.toString(),
                  "--trust",
                  trust.toString()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())))
        .isZero();
    server =
        new MirrorServer(
            new StateStore(state), dev.trustbundle.testing.Servers.loopback(16), Clock.systemUTC());
    server.start();
    served = server.urls().get(0).replace("0.0.0.0", "127.0.0.1");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void passesAgainstOurServeAsAWindowsClient() {
    // Without the trailing slash: clients' RootDirUrl may have none.
    Run r = probe(served.replaceFirst("/$", ""), "--sample", "10", "--seed", "1", "--at", AT);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).doesNotContain("FAIL  ").contains("result: PASS");
    for (String check :
        List.of(
            "fetch",
            "query-string",
            "content-type",
            "caching",
            "if-none-match",
            "if-modified-since",
            "sequence-file",
            "double-slash")) {
      assertThat(r.lines("PASS", check)).as(check).isNotEmpty();
    }
    assertThat(r.lines("PASS", "if-none-match")).hasSize(2);
    assertThat(r.lines("PASS", "list").get(0))
        .contains("authroot 1401DCD1EFA35B4A5B")
        .contains("515 entries");
    assertThat(r.lines("PASS", "root")).hasSize(10);
    assertThat(r.lines("PASS", "root-lowercase")).hasSize(10);
    // The fixtures have no pin rules: a warning, as build records it.
    assertThat(r.lines("WARN", "fetch")).singleElement().asString().contains("pinrulesstl.cab");
    assertThat(r.out()).contains("10 of 515 listed roots fetched (sample picked by --seed 1)");
  }

  @Test
  void jsonHoldsEveryCheckAndTheLists() throws Exception {
    Run r = probe(served, "--sample", "3", "--seed", "5", "--at", AT, "--json");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("result").asText()).isEqualTo("pass");
    assertThat(j.get("userAgent").asText()).isEqualTo("Microsoft-CryptoAPI/10.0");
    assertThat(j.get("roots").get("fetched").asInt()).isEqualTo(3);
    assertThat(j.get("roots").get("listed").asInt()).isEqualTo(515);
    assertThat(j.get("lists").get(0).get("sequenceNumber").asText())
        .isEqualTo("1401DCD1EFA35B4A5B");
    int pass = j.get("summary").get("pass").asInt();
    int warn = j.get("summary").get("warn").asInt();
    assertThat(j.get("summary").get("fail").asInt()).isZero();
    assertThat(j.get("checks")).hasSize(pass + warn + j.get("summary").get("skip").asInt());
    for (JsonNode c : j.get("checks")) {
      assertThat(c.fieldNames())
          .toIterable()
          .containsExactly("check", "status", "url", "expected", "got");
    }
    // Random query strings of 16 hex digits on the cabinets, as Windows sends them.
    assertThat(j.get("checks").get(0).get("url").asText())
        .matches("http://127\\.0\\.0\\.1:\\d+/authrootstl\\.cab\\?[0-9a-f]{16}");
  }

  @Test
  void theSameSeedPicksTheSameRootsAndAllFetchesEveryRoot() throws Exception {
    assertThat(roots(probe(served, "--sample", "4", "--seed", "99", "--at", AT, "--json")))
        .isEqualTo(roots(probe(served, "--sample", "4", "--seed", "99", "--at", AT, "--json")))
        .hasSize(4);
    Run all = probe(served, "--all", "--at", AT, "--concurrency", "16");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.lines("PASS", "root")).hasSize(515);
    assertThat(all.out()).contains("515 of 515 listed roots fetched");
  }

  private static Set<String> roots(Run r) throws Exception {
    Set<String> out = new TreeSet<>();
    for (JsonNode c : new ObjectMapper().readTree(r.out()).get("checks")) {
      if (c.get("check").asText().equals("root")) {
        out.add(c.get("url").asText().replaceFirst("\\?.*", ""));
      }
    }
    return out;
  }

  @Test
  void theTestMirrorWithoutFaultsPasses() {
    try (FaultyMirror m = new FaultyMirror(tree, Set.of(), FaultyMirror.OTHER_ROOT)) {
      Run r = probe(m.url(), "--sample", "20", "--at", AT);
      assertThat(r.code()).as(r.out()).isZero();
      assertThat(r.out()).doesNotContain("FAIL  ");
    }
  }

  /** The root that --sample 3 --seed 11 picks first (read from a probe of our serve). */
  private static String sampledRoot() throws Exception {
    Run r = probe(served, "--sample", "3", "--seed", "11", "--at", AT, "--json");
    String root = roots(r).iterator().next().replaceAll(".*/([0-9A-F]{40})\\.crt$", "$1");
    assertThat(root).matches("[0-9A-F]{40}").isNotEqualTo(FaultyMirror.OTHER_ROOT);
    return root;
  }

  /** Runs probe against a mirror with one fault; it must fail and name it in that check. */
  private static Run faulty(Fault fault, String... extra) {
    return faultyRoot(fault, FaultyMirror.OTHER_ROOT, extra);
  }

  private static Run faultyRoot(Fault fault, String root, String... extra) {
    try (FaultyMirror m = new FaultyMirror(tree, Set.of(fault), root)) {
      List<String> args = new ArrayList<>(List.of(m.url(), "--at", AT));
      args.addAll(List.of(extra));
      Run r = probe(args.toArray(String[]::new));
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.INVALID);
      assertThat(r.out()).contains("result: FAIL");
      return r;
    }
  }

  @Test
  void namesATamperedCabinet() {
    Run r = faulty(Fault.TAMPERED_CAB, "--sample", "2");
    assertThat(r.lines("FAIL", "list"))
        .singleElement()
        .asString()
        .contains("/authrootstl.cab")
        .containsAnyOf("invalid", "malformed");
  }

  @Test
  void namesAMissingRoot() throws Exception {
    String root = sampledRoot();
    Run r = faultyRoot(Fault.MISSING_ROOT, root, "--sample", "3", "--seed", "11");
    assertThat(r.lines("FAIL", "root"))
        .singleElement()
        .asString()
        .contains(root + ".crt")
        .contains("404: the list names this root but the mirror does not serve it");
    assertThat(r.lines("FAIL", "root-lowercase")).singleElement().asString().contains("404");
  }

  @Test
  void namesARootWithWrongBytes() throws Exception {
    String root = sampledRoot();
    Run r = faultyRoot(Fault.WRONG_ROOT, root, "--sample", "3", "--seed", "11");
    assertThat(r.lines("FAIL", "root"))
        .singleElement()
        .asString()
        .contains(root + ".crt")
        .contains("its SHA-1 is " + FaultyMirror.OTHER_ROOT);
  }

  @Test
  void namesAServerThatFailsOnQueryStrings() {
    Run r = faulty(Fault.QUERY_404, "--sample", "2");
    // The three files clients fetch with a query string that the mirror has, and both roots.
    assertThat(r.lines("FAIL", "query-string"))
        .hasSize(5)
        .allSatisfy(l -> assertThat(l).contains("does not ignore query strings"));
    assertThat(r.lines("FAIL", "query-string").get(0)).contains("/authrootstl.cab?");
    // Everything else is still checked, on the answers without a query string.
    assertThat(r.lines("PASS", "list")).hasSize(1);
    assertThat(r.lines("PASS", "root")).hasSize(2);
  }

  @Test
  void namesAServerWithout304() {
    Run r = faulty(Fault.NO_304, "--sample", "1");
    assertThat(r.lines("FAIL", "if-none-match")).hasSize(2);
    assertThat(r.lines("FAIL", "if-modified-since"))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("got: 200, ").contains("the whole file again"));
  }

  @Test
  void namesAWrongContentType() {
    Run r = faulty(Fault.WRONG_TYPE, "--sample", "1");
    assertThat(r.lines("FAIL", "content-type"))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains(".cab").contains("got: text/html"));
  }

  @Test
  void namesCaseSensitiveNames() {
    Run r = faulty(Fault.CASE_SENSITIVE, "--sample", "3", "--seed", "2");
    assertThat(r.lines("FAIL", "root-lowercase"))
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("the server's names are case-sensitive"));
    assertThat(r.lines("PASS", "root")).hasSize(3);
  }

  @Test
  void namesASequenceFileThatDisagreesWithTheList() {
    Run r = faulty(Fault.WRONG_SEQUENCE, "--sample", "1");
    assertThat(r.lines("FAIL", "sequence-file"))
        .singleElement()
        .asString()
        .contains("1401DBDEE7F1A4F449")
        .contains("does not match");
  }

  @Test
  void refusesABodyOverTheLimitAndGoesOn() {
    Run r = faulty(Fault.ENDLESS_CAB, "--sample", "1");
    assertThat(r.lines("FAIL", "fetch"))
        .singleElement()
        .asString()
        .contains("disallowedcertstl.cab")
        .contains("larger than the limit of 33554432 bytes");
    assertThat(r.lines("PASS", "root")).hasSize(1);
  }

  @Test
  void namesNoStore() {
    Run r = faulty(Fault.NO_STORE, "--sample", "1");
    assertThat(r.lines("FAIL", "caching"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("no-store keeps clients"));
  }

  @Test
  void namesADateThatIsNotAnImfFixdate() {
    Run r = faulty(Fault.BAD_DATE, "--sample", "1");
    assertThat(r.lines("FAIL", "caching"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("not an IMF-fixdate"));
  }

  @Test
  void namesAContentLengthOnA304() {
    Run r = faulty(Fault.LENGTH_ON_304, "--sample", "1");
    assertThat(r.lines("FAIL", "if-none-match"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("304 with Content-Length 0"));
  }

  @Test
  void namesTheContentLengthUpstreamSimSendsOn304s() {
    // The shared simulator answers 304s with Content-Length: 0, as a careless mirror would.
    try (UpstreamSim sim = UpstreamSim.start(tree)) {
      Run r = probe(sim.url(), "--at", AT, "--sample", "1");
      assertThat(r.out()).contains("304 with Content-Length 0");
    }
  }

  @Test
  void namesAnEtagThatIsNotTheBodysSha256() {
    Run r = faulty(Fault.WRONG_ETAG, "--sample", "1");
    assertThat(r.lines("FAIL", "caching"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("not the one of the body sent"));
  }

  @Test
  void aFileShareExportSkipsTheHttpChecks(@TempDir Path dir) {
    Path plain = dir.resolve("plain");
    Path nginx = dir.resolve("nginx");
    StringWriter sink = new StringWriter();
    for (String[] export :
        List.of(
            new String[] {"export", "--state", state.toString(), "--out", plain.toString()},
            new String[] {
              "export", "--state", state.toString(), "--out", nginx.toString(), "--format", "nginx"
            })) {
      assertThat(Main.run(export, new PrintWriter(sink), new PrintWriter(sink))).isZero();
    }
    Run r = probe(plain.toUri().toString(), "--sample", "2", "--at", AT);
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.lines("SKIP", "conditional")).singleElement().asString().contains("file: URL");
    assertThat(r.lines("PASS", "root")).hasSize(2);
    // Linux file names are case-sensitive; a Windows share is not, so only a warning.
    assertThat(r.lines("WARN", "root-lowercase")).hasSize(2);
    Run n = probe("file:" + nginx, "--sample", "2", "--at", AT);
    assertThat(n.code()).isZero();
    assertThat(n.lines("PASS", "root-lowercase")).hasSize(2);
  }

  @Test
  void anUnreachableMirrorExitsFourWithOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = probe("http://127.0.0.1:" + port + "/");
    assertThat(r.code()).isEqualTo(ExitCodes.NETWORK);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).singleElement().asString().contains("cannot be reached");
    Run missing = probe("file:///nonexistent-trustbundle-probe/");
    assertThat(missing.code()).isEqualTo(ExitCodes.NETWORK);
  }

  @Test
  void aMirrorThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
      // Accepts connections (the backlog) but never reads or answers.
      long start = System.nanoTime();
      Run r = probe("http://127.0.0.1:" + s.getLocalPort() + "/", "--timeout", "1");
      assertThat(r.code()).isEqualTo(ExitCodes.NETWORK);
      assertThat(r.err()).contains("timed out");
      assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }
  }

  @Test
  void badUrlsAndFlagsAreUsageErrors() {
    for (String url : List.of("ftp://host/ctl/", "http:///no-host", "http://h/x?y=1", "::bad")) {
      Run r = probe(url);
      assertThat(r.code()).as(url).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err().lines()).as(url).hasSize(1);
    }
    assertThat(probe(served, "--all", "--sample", "3").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(probe(served, "--concurrency", "0").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(probe(served, "--at", "yesterday").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(probe().code()).isEqualTo(ExitCodes.USAGE);
  }
}
