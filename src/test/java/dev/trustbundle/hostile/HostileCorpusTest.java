package dev.trustbundle.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.cli.Main;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the {@link HostileCorpus} through the real command line (or, for HTTP, a
 * running mirror) and checks that it is refused as documented: the exit code, one line saying why
 * (on stderr, or for {@code inspect} in the file's verdict on stdout), no stack trace, no claim of
 * success, and nothing written or published.
 */
class HostileCorpusTest {
  /** Names of exception classes and stack frames: none may reach the user. */
  static final Pattern TRACE =
      Pattern.compile(
          "\\tat |Caused by:|internal error|\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|\\bjava\\.[a-z]+\\.");

  static final String SECRET = "hostile-corpus-secret-7f3a";

  @TempDir static Path work;
  static Path syntheticState;
  static Path realState;
  static Path serveRoot;
  static MirrorServer server;
  static URI base;

  record Run(int code, String out, String err) {}

  static Stream<Case> corpus() {
    return HostileCorpus.cases().stream();
  }

  @BeforeAll
  static void prepare() throws Exception {
    Material m = Material.get();
    syntheticState = work.resolve("synthetic-state");
    m.seedState(syntheticState);
    serveRoot = work.resolve("serve");
    Path state = serveRoot.resolve("state");
    m.seedState(state);
    Files.writeString(serveRoot.resolve("secret.txt"), SECRET);
    Files.writeString(state.resolve("secret.txt"), SECRET);
    server =
        new MirrorServer(
            new StateStore(state),
            new MirrorServer.Options(
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                60,
                Optional.empty(),
                8),
            Clock.systemUTC(),
            m.anchors());
    server.start();
    base = URI.create(server.urls().get(0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusesEveryHostileInput(Case c) throws Exception {
    Path dir = Files.createTempDirectory(work, "case-");
    for (Map.Entry<String, byte[]> f : c.files().entrySet()) {
      Files.createDirectories(dir.resolve(f.getKey()).getParent());
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    switch (c.runner()) {
      case INSPECT -> inspect(c, dir);
      case BUNDLE -> {
        verify(c, dir);
        importInto(c, dir, syntheticState);
      }
      case IMPORT_OVER_REAL -> importInto(c, dir, realState());
      case PROFILE -> build(c, dir);
      case HTTP -> http(c);
      case STATE -> state(c, dir);
      case UPSTREAM -> upstream(c, dir);
    }
  }

  @Test
  void theCorpusHasAtLeast200CasesAndAtLeast25PerCategory() {
    List<Case> core = HostileCorpus.cases().stream().filter(c -> !c.fromFixtures()).toList();
    assertThat(core).hasSizeGreaterThanOrEqualTo(200);
    Map<Category, Long> counts = new EnumMap<>(Category.class);
    core.forEach(c -> counts.merge(c.category(), 1L, Long::sum));
    assertThat(counts.keySet()).containsExactlyInAnyOrder(Category.values());
    assertThat(counts)
        .allSatisfy((cat, n) -> assertThat(n).as(cat.id()).isGreaterThanOrEqualTo(25));
    assertThat(HostileCorpus.cases().stream().map(Case::toString).distinct().count())
        .as("case names are unique")
        .isEqualTo(HostileCorpus.cases().size());
    assertThat(HostileCorpus.cases())
        .filteredOn(c -> c.runner() != Runner.HTTP)
        .allSatisfy(c -> assertThat(c.fragment()).as(c.toString()).isNotBlank());
  }

  @Test
  void theCorpusIsTheSameEveryTime() {
    // Generated again from the same material, the cases have the same names, order and bytes
    // (bundle cases carry ECDSA signatures and CMS signing times, so only their names are fixed
    // by the rules; they are not generated twice here, to keep the test fast).
    Material m = Material.get();
    List<Case> again = new ArrayList<>();
    again.addAll(CabCases.generate(m));
    again.addAll(StlCases.generate(m));
    again.addAll(StoreCases.generate(m));
    again.addAll(CertificateCases.generate(m));
    again.addAll(CrlCases.generate(m));
    again.addAll(ProfileCases.generate());
    again.addAll(HttpCases.generate(m));
    again.addAll(StateCases.generate(m));
    again.addAll(UpstreamCases.generate(m));
    Map<String, Case> first = new java.util.HashMap<>();
    HostileCorpus.cases().forEach(c -> first.put(c.toString(), c));
    assertThat(again)
        .allSatisfy(
            c -> {
              Case f = first.get(c.toString());
              assertThat(f).as(c.toString()).isNotNull();
              assertThat(f.args()).isEqualTo(c.args());
              assertThat(f.input()).as(c.toString()).isEqualTo(c.input());
            });
    assertThat(again.stream().map(Case::toString).toList())
        .isEqualTo(
            HostileCorpus.cases().stream()
                .filter(c -> !c.fromFixtures())
                .map(Case::toString)
                .filter(n -> !n.startsWith("archive/") && !n.startsWith("manifest/"))
                .filter(n -> !n.startsWith("resigned/"))
                .filter(n -> !n.startsWith("publisher/"))
                .toList());
  }

  /**
   * The undamaged inputs the corpus starts from are accepted, so that each refusal is owed to the
   * damage: the list, cabinet, store, certificate and CRL inspect as valid, the profile parses (the
   * build then stops at the missing upstream), the mirror serves the cabinet, and the untouched
   * bundle passes every check but the last (its lists chain to a test root, not to Microsoft's).
   */
  @Test
  void theUndamagedInputsAreAccepted() throws Exception {
    Material m = Material.get();
    Path dir = Files.createTempDirectory(work, "controls-");
    Path anchor = write(dir, "anchor.crt", m.anchor());
    for (Object[] f :
        new Object[][] {
          {"authrootstl.cab", m.cab},
          {"storedcab-authrootstl.cab", m.storedCab},
          {"authroot.stl", m.stl},
          {"disallowedcert.sst", m.sst},
          {Hex.sha1(Material.der(m.roots.get(0))) + ".crt", Material.der(m.roots.get(0))},
        }) {
      Path p = write(dir, (String) f[0], (byte[]) f[1]);
      Run r =
          run("inspect", "--at", Material.AT, "--trust-anchor", anchor.toString(), p.toString());
      assertThat(r.code()).as(f[0] + ": " + r.out()).isZero();
    }
    Path crl = write(dir, "root.crl", m.crl);
    Run r = run("inspect", "--at", Material.AT, crl.toString(), anchor.toString());
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("VALID");

    Path bundle = write(dir, "bundle.tar.gz", m.bundleArchive);
    Path trust = write(dir, "publisher.crt", m.publisherCertificate());
    Run v = run("verify", bundle.toString(), "--trust", trust.toString(), "--at", Material.AT);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.err()).contains("mirror/authrootstl.cab:").doesNotContain("manifest");

    Path profile = write(dir, "p.yaml", ("name: ok\nroots:\n" + ProfileCases.ROOT).getBytes());
    Run b =
        run(
            "build",
            "--profile",
            profile.toString(),
            "--upstream",
            "file:///nonexistent-trustbundle-upstream/",
            "--sign-key",
            write(dir, "p.p12", m.publisherP12()).toString(),
            "--sign-pass",
            "file:" + write(dir, "pass.txt", Material.P12_PASS.getBytes()),
            "--out",
            dir.resolve("out.tar.gz").toString(),
            "--at",
            Material.AT);
    assertThat(b.code()).as(b.err()).isEqualTo(1);
    assertThat(b.err()).contains("authrootstl.cab");

    Response ok =
        send(
            "GET /authrootstl.cab HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(m.cab);
  }

  // Runners.

  private void inspect(Case c, Path dir) throws IOException {
    Map<String, String> before = snapshot(dir);
    Run r = run(command("inspect", c, dir));
    String target = dir.resolve(c.target()).toString();
    String block =
        Arrays.stream(r.out().split("\n\n"))
            .filter(b -> b.startsWith(target + "\n"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(c + ": no report for the file in\n" + r.out()));
    String verdict =
        block
            .lines()
            .filter(l -> l.startsWith("  verdict "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(c + ": no verdict in\n" + block));
    String expectedVerdict = c.exitCode() == 3 ? "MALFORMED" : "INVALID";
    assertThat(r.code()).as(c + "\n" + r.out() + r.err()).isEqualTo(c.exitCode());
    assertThat(verdict.substring(10).strip()).as(c.toString()).startsWith(expectedVerdict);
    if (c.exitCode() == 3) {
      assertThat(verdict).as(c.toString()).contains(c.fragment());
    } else {
      assertThat(block).as(c.toString()).contains(c.fragment());
    }
    assertThat(r.err()).as(c + ": inspect reports problems in place, on stdout").isEmpty();
    noTrace(c, r.out());
    assertThat(r.out())
        .as(c + ": control characters")
        .doesNotContainPattern("[\\x00-\\x09\\x0B-\\x1F\\x7F]");
    assertThat(snapshot(dir)).as(c + ": inspect writes nothing").isEqualTo(before);
  }

  private void verify(Case c, Path dir) throws IOException {
    Map<String, String> before = snapshot(dir);
    Run r = run(command("verify", c, dir));
    refused(c, r);
    assertThat(snapshot(dir)).as(c + ": verify writes nothing").isEqualTo(before);
  }

  private void importInto(Case c, Path dir, Path template) throws IOException {
    Path state = dir.resolve("state");
    copyTree(template, state);
    Map<String, String> before = snapshot(state);
    before.remove("history.jsonl");
    List<String> history = Files.readAllLines(state.resolve("history.jsonl"));
    List<String> args = new ArrayList<>(List.of(command("import", c, dir)));
    args.addAll(List.of("--state", state.toString()));
    Run r = run(args.toArray(String[]::new));
    refused(c, r);
    Map<String, String> after = snapshot(state);
    after.remove("history.jsonl");
    assertThat(after).as(c + ": the state is unchanged but for the history").isEqualTo(before);
    List<String> now = Files.readAllLines(state.resolve("history.jsonl"));
    assertThat(now.subList(0, history.size())).isEqualTo(history);
    assertThat(now).as(c + ": one refusal recorded").hasSize(history.size() + 1);
    JsonNode entry = new ObjectMapper().readTree(now.get(now.size() - 1));
    assertThat(entry.get("action").asText()).isEqualTo("refused");
    assertThat(entry.get("reason").asText()).contains(c.fragment());
  }

  private void build(Case c, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("out"));
    Map<String, String> before = snapshot(dir);
    Run r = run(command("build", c, dir));
    refused(c, r);
    assertThat(snapshot(dir)).as(c + ": no bundle and no temporary file").isEqualTo(before);
  }

  /**
   * The builder on a hostile upstream: refused with the case's code and one line, or built with the
   * hostile file left out (the reason in a warning) and none of its bytes packed.
   */
  private void upstream(Case c, Path dir) {
    java.util.SortedMap<String, byte[]> built;
    try {
      built = Material.get().buildFrom(dir);
    } catch (dev.trustbundle.error.TrustBundleException e) {
      assertThat(dev.trustbundle.cli.ExitCodes.of(e))
          .as(c + ": " + e.getMessage())
          .isEqualTo(c.exitCode());
      assertThat(e.getMessage()).as(c.toString()).contains(c.fragment()).doesNotContain("\n");
      noTrace(c, e.getMessage());
      return;
    }
    assertThat(c.exitCode()).as(c + ": built").isEqualTo(UpstreamCases.LEFT_OUT);
    var m = dev.trustbundle.bundle.Json.read(built.get("manifest.json"));
    assertThat(String.join("\n", m.warnings())).as(c.toString()).contains(c.fragment());
    assertThat(built.values())
        .as(c + ": the hostile bytes are not packed")
        .noneMatch(v -> Arrays.equals(v, c.input()));
  }

  private void http(Case c) throws IOException {
    Response resp = send(c.input());
    assertThat(resp.status()).as(c + ": " + resp.head()).isIn(c.expected());
    String body = new String(resp.body(), StandardCharsets.UTF_8);
    String all = resp.head() + body;
    assertThat(all)
        .as(c + ": nothing from outside the served tree")
        .doesNotContain(SECRET)
        .doesNotContain("highestSequence")
        .doesNotContain("activatedAt")
        .doesNotContain("formatVersion");
    noTrace(c, all);
    assertThat(all).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("jetty");
    if (!body.isEmpty()) {
      assertThat(resp.header("content-type")).as(c + ": " + resp.head()).startsWith("text/plain");
      assertThat(body.strip()).as(c + ": one line").doesNotContain("\n").isNotEmpty();
    }
    assertThat(body).as(c.toString()).contains(c.fragment());
    assertThat(resp.status()).as(c + ": never served").isNotEqualTo(200);
  }

  /**
   * A command on a damaged state folder: refused with its code and the reason (one line on stderr,
   * or status's report), nothing exported, and the state unchanged but for the history.
   */
  private void state(Case c, Path dir) throws IOException {
    Map<String, String> before = snapshot(dir.resolve("state"));
    before.remove("history.jsonl");
    // The case's first argument is the command: drop the name command() puts before it.
    String[] cmd = command(c.args().get(0), c, dir);
    Run r = run(Arrays.copyOfRange(cmd, 1, cmd.length));
    assertThat(r.code()).as(c + "\n" + r.err() + r.out()).isEqualTo(c.exitCode());
    assertThat(r.out() + r.err()).as(c.toString()).contains(c.fragment());
    if (!r.err().isEmpty()) {
      assertThat(r.err().strip())
          .as(c + ": one line")
          .startsWith("trustbundle: ")
          .doesNotContain("\n");
    }
    noTrace(c, r.out() + r.err());
    assertThat(dir.resolve("www")).as(c + ": nothing exported").doesNotExist();
    Map<String, String> after = snapshot(dir.resolve("state"));
    after.remove("history.jsonl");
    after.remove("lock");
    before.remove("lock");
    assertThat(after).as(c + ": the state is unchanged but for the history").isEqualTo(before);
  }

  // Checks.

  /** Refused on the command line: the code, one line on stderr, nothing claimed on stdout. */
  private static void refused(Case c, Run r) {
    assertThat(r.code()).as(c + "\n" + r.err() + r.out()).isEqualTo(c.exitCode());
    assertThat(r.err()).as(c.toString()).startsWith("trustbundle: ").endsWith("\n");
    assertThat(r.err().strip()).as(c + ": one line").doesNotContain("\n").contains(c.fragment());
    assertThat(r.out()).as(c + ": no claim of success").isEmpty();
    noTrace(c, r.err());
  }

  private static void noTrace(Case c, String text) {
    Matcher m = TRACE.matcher(text);
    assertThat(m.find()).as(c + ": stack trace or exception name: " + text).isFalse();
  }

  // Helpers.

  private static String[] command(String name, Case c, Path dir) {
    Pattern token = Pattern.compile("@([A-Za-z0-9._/-]+)");
    List<String> args = new ArrayList<>();
    args.add(name);
    for (String a : c.args()) {
      Matcher m = token.matcher(a);
      args.add(m.replaceAll(x -> Matcher.quoteReplacement(dir.resolve(x.group(1)).toString())));
    }
    return args.toArray(String[]::new);
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static synchronized Path realState() throws IOException {
    if (realState == null) {
      Path dir = Files.createTempDirectory(work, "real-");
      Path bundle = write(dir, "newer.tar.gz", RealCases.Bundles.get().newer);
      Path trust = write(dir, "publisher.crt", Material.get().publisherCertificate());
      Path state = dir.resolve("state");
      Run r =
          run(
              "import",
              bundle.toString(),
              "--state",
              state.toString(),
              "--trust",
              trust.toString(),
              "--at",
              RealCases.AT);
      assertThat(r.code()).as(r.err()).isZero();
      realState = state;
    }
    return realState;
  }

  private static Path write(Path dir, String name, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  /** Every file and folder under {@code root}: path to SHA-256 ("dir" for folders). */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.collect(Collectors.toList())) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        out.put(rel, Files.isDirectory(p) ? "dir" : Hex.sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.collect(Collectors.toList())) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  record Response(int status, String head, byte[] body) {
    String header(String name) {
      for (String l : head.split("\r\n")) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return l.substring(colon + 1).trim();
        }
      }
      return "";
    }
  }

  /** Sends raw bytes and reads the whole answer (the server closes the connection). */
  static Response send(byte[] request) throws IOException {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
      } catch (SocketException e) {
        // The server may answer and close before reading a huge request; read what it said.
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] chunk = new byte[8192];
      try {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          buf.write(chunk, 0, n);
        }
      } catch (SocketException e) {
        // A reset after the answer: keep what arrived.
      }
      byte[] all = buf.toByteArray();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as("an HTTP answer: " + text).isPositive();
      String head = text.substring(0, end);
      String[] status = head.split(" ", 3);
      byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
      return new Response(Integer.parseInt(status[1]), head, body);
    }
  }
}
