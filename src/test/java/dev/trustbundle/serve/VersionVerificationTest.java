package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.cli.BuildCommandTestAccess;
import dev.trustbundle.cli.Main;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.Servers;
import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What serve loads is what the manifest pins (issue 11, findings 4, 9 and 10): a version whose
 * files changed on disk is never served, the last good one is kept, failures are recorded once and
 * shown, no failure stops the import watcher, and clients never see local paths.
 */
class VersionVerificationTest {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static Path one;
  static Path two;
  static Path three;
  static Path trust;

  @BeforeAll
  static void bundles(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    BuildCommandTestAccess.keys(dir.resolve("keys"));
    trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTestAccess.certificate());
    one = dir.resolve("one.tar.gz");
    two = dir.resolve("two.tar.gz");
    three = dir.resolve("three.tar.gz");
    Instant now = Instant.now();
    assertThat(
            BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-06-16").toString(), one, now.toString()))
        .isZero();
    assertThat(
            BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-08-26").toString(), two, now.plusSeconds(5).toString()))
        .isZero();
    assertThat(
            BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-08-26").toString(), three, now.plusSeconds(10).toString()))
        .isZero();
  }

  static void importBundle(Path bundle, Path state) {
    int rc =
        Main.run(
            new String[] {
              "import", bundle.toString(), "--state", state.toString(), "--trust", trust.toString()
            },
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    assertThat(rc).isZero();
  }

  static Path activeFile(Path state, String name) {
    StateStore.Active a = new StateStore(state).active().orElseThrow();
    return a.path().resolve(name);
  }

  static void appendByte(Path file) throws Exception {
    Files.write(file, new byte[] {0}, StandardOpenOption.APPEND);
  }

  static HttpResponse<byte[]> get(MirrorServer s, String path) throws Exception {
    String base = s.urls().get(0).replace("0.0.0.0", "127.0.0.1");
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path.replaceFirst("^/", ""))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(MirrorServer s, String path) throws Exception {
    return new String(get(s, path).body(), StandardCharsets.UTF_8);
  }

  static long failures(Path state, String id) {
    return new StateStore(state)
        .history().stream()
            .filter(h -> h.path("action").asText().equals("version-failed"))
            .filter(h -> h.path("bundleId").asText().equals(id))
            .count();
  }

  static MirrorServer start(Path state) {
    MirrorServer s =
        new MirrorServer(new StateStore(state), Servers.loopback(16), Clock.systemUTC());
    s.start();
    return s;
  }

  static void awaitServed(MirrorServer s, String id) throws InterruptedException {
    // A liveness bound, not a speed target: the watcher looks every second.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!s.servedId().orElse("").equals(id) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @Test
  void aByteAppendedOnDiskBeforeStartIsNeverServedAndIsReported(@TempDir Path state)
      throws Exception {
    importBundle(one, state);
    String id = new StateStore(state).active().orElseThrow().id();
    appendByte(activeFile(state, "mirror/authrootstl.cab"));
    try (MirrorServer s = start(state)) {
      assertThat(s.servedId()).isEmpty();
      assertThat(get(s, "/authrootstl.cab").statusCode()).isEqualTo(503);
      HttpResponse<byte[]> health = get(s, "/healthz");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(new String(health.body(), StandardCharsets.UTF_8))
          .contains(id)
          .contains("mirror/authrootstl.cab");
      assertThat(text(s, "/status.json")).contains("\"notServed\"").contains("\"healthy\":false");
      assertThat(text(s, "/status")).contains("mirror/authrootstl.cab");
      assertThat(text(s, "/metrics"))
          .contains("trustbundle_active_version_served 0")
          .containsPattern("trustbundle_version_failures_total [1-9]");
      s.reload();
      assertThat(failures(state, id)).isEqualTo(1);
      assertThat(s.activeProblem()).hasValueSatisfying(p -> assertThat(p).contains("bytes"));
    }
  }

  @Test
  void aValidImportAfterABadOneIsPickedUp(@TempDir Path state) throws Exception {
    importBundle(one, state);
    Path seq = activeFile(state, "mirror/authrootseq.txt");
    byte[] b = Files.readAllBytes(seq);
    b[0] ^= 1;
    Files.write(seq, b);
    try (MirrorServer s = start(state)) {
      assertThat(s.servedId()).isEmpty();
      importBundle(two, state);
      String id = new StateStore(state).active().orElseThrow().id();
      awaitServed(s, id);
      assertThat(s.servedId()).contains(id);
      assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(s, "/authrootstl.cab").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBadNewVersionKeepsTheLastGoodOneServedAndHealthy(@TempDir Path state) throws Exception {
    importBundle(one, state);
    StateStore store = new StateStore(state);
    Versions v = new Versions(store, Clock.systemUTC(), line -> {}, VersionLoader::load);
    assertThat(v.reload()).isTrue();
    String good = v.current().id();
    importBundle(two, state);
    String bad = store.active().orElseThrow().id();
    appendByte(activeFile(state, "mirror/disallowedcertstl.cab"));
    assertThat(v.reload()).isFalse();
    assertThat(v.current().id()).isEqualTo(good);
    assertThat(v.activeFailure()).hasValueSatisfying(f -> assertThat(f.bundleId()).isEqualTo(bad));
    // Looked at every second, recorded once.
    v.reload();
    v.reload();
    assertThat(failures(state, bad)).isEqualTo(1);
  }

  /** An Error while loading (a CRL too large for memory did this) leaves the watcher running. */
  @Test
  void theWatcherSurvivesAnErrorThrownWhileLoading(@TempDir Path state) throws Exception {
    importBundle(one, state);
    AtomicInteger thrown = new AtomicInteger();
    Versions.Loader failsForTwo =
        (version, now) -> {
          if (version.manifest().sequence() != new StateStore(state).versions().get(0).sequence()
              && thrown.get() == 0) {
            thrown.incrementAndGet();
            throw new OutOfMemoryError("Direct buffer memory");
          }
          return VersionLoader.load(version, now);
        };
    try (MirrorServer s =
        new MirrorServer(
            new StateStore(state), Servers.loopback(16), Clock.systemUTC(), failsForTwo)) {
      s.start();
      String first = s.servedId().orElseThrow();
      importBundle(two, state);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (thrown.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(thrown.get()).isEqualTo(1);
      assertThat(s.servedId()).contains(first);
      assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
      assertThat(text(s, "/status.json")).contains("does not fit in memory");
      importBundle(three, state);
      String id = new StateStore(state).active().orElseThrow().id();
      awaitServed(s, id);
      assertThat(s.servedId()).contains(id);
      assertThat(s.watchdog().fired()).isFalse();
    }
  }

  @Test
  void theScrubReportsRotOnDiskAndKeepsServingTheVerifiedBytes(@TempDir Path state)
      throws Exception {
    importBundle(one, state);
    try (MirrorServer s = start(state)) {
      String id = s.servedId().orElseThrow();
      HttpResponse<byte[]> before = get(s, "/authrootstl.cab");
      appendByte(activeFile(state, "mirror/authrootstl.cab"));
      s.scrub();
      s.scrub();
      HttpResponse<byte[]> after = get(s, "/authrootstl.cab");
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo(before.body());
      assertThat(text(s, "/status.json")).contains("\"scrubProblem\"").contains("authrootstl.cab");
      assertThat(text(s, "/metrics")).contains("trustbundle_scrub_problems 1");
      assertThat(failures(state, id)).isEqualTo(1);
    }
  }

  @Test
  void filesNotInTheManifestAreNotServed(@TempDir Path state) throws Exception {
    importBundle(one, state);
    Files.writeString(activeFile(state, "mirror/shell.aspx"), "<% evil %>");
    Files.createDirectories(activeFile(state, "client"));
    Files.writeString(activeFile(state, "client/web.config"), "<configuration/>");
    try (MirrorServer s = start(state)) {
      assertThat(s.servedId()).isPresent();
      assertThat(get(s, "/shell.aspx").statusCode()).isEqualTo(404);
      assertThat(get(s, "/web.config").statusCode()).isEqualTo(404);
      assertThat(get(s, "/client/web.config").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void statusShowsIdsAndReasonsButNoLocalPaths(@TempDir Path state) throws Exception {
    importBundle(one, state);
    StateStore store = new StateStore(state);
    String secret = state.toAbsolutePath() + "/incoming/private-name.tar.gz";
    store.recordRefusal(secret, secret + " is not a gzip file; see " + state.toAbsolutePath());
    try (MirrorServer s = start(state)) {
      for (String page : new String[] {"/status.json", "/status"}) {
        String body = text(s, page);
        assertThat(body).as(page).doesNotContain(state.toAbsolutePath().toString());
        assertThat(body).as(page).contains("not a gzip file").contains("private-name.tar.gz");
      }
    }
  }
}
