package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.UpstreamSim;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code import} with SIGKILL at random moments while {@code serve} answers requests from the
 * same state directory. After every kill the state must hold one complete verified version that
 * passes {@code status}, and the server must serve exactly that version; no client request may fail
 * or see a mixture. {@code -Dtrustbundle.crashTrials=N} (the {@code stress} profile: 120).
 */
class CrashConsistencyTest {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void importKilledAtRandomMomentsWhileServingLeavesOneCompleteVersionServed(@TempDir Path dir)
      throws Exception {
    UpstreamSim.require();
    BuildCommandTest.keys(dir.resolve("keys"));
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    Path one = dir.resolve("one.tar.gz");
    Path two = dir.resolve("two.tar.gz");
    // Both valid at the import time below, so that imports can go either way (--allow-downgrade).
    assertThat(
            BuildCommandTest.build(
                    UpstreamSim.tree("2025-06-16").toString(),
                    one,
                    "2025-07-01",
                    "--valid-days",
                    "365")
                .code())
        .isZero();
    assertThat(
            BuildCommandTest.build(
                    UpstreamSim.tree("2025-08-26").toString(),
                    two,
                    "2025-09-01",
                    "--valid-days",
                    "365")
                .code())
        .isZero();
    String at = "2025-09-02";
    Path state = dir.resolve("state");
    ImportCommandTest.Run first =
        ImportCommandTest.run(
            "import",
            one.toString(),
            "--state",
            state.toString(),
            "--trust",
            trust.toString(),
            "--at",
            at);
    assertThat(first.code()).as(first.err()).isZero();

    // What clients may see: the files of one version or the other, never anything else.
    Set<String> cabs = ConcurrentHashMap.newKeySet();
    Set<String> seqs = ConcurrentHashMap.newKeySet();
    for (Path b : List.of(one, two)) {
      var files = BuildCommandTest.read(b);
      cabs.add(Hex.sha256(files.get("mirror/authrootstl.cab")));
      seqs.add(
          new String(
              files.get("mirror/authrootseq.txt"), java.nio.charset.StandardCharsets.US_ASCII));
    }

    MirrorServer server =
        new MirrorServer(
            new StateStore(state), dev.trustbundle.testing.Servers.loopback(32), Clock.systemUTC());
    server.start();
    String base = server.urls().get(0).replace("0.0.0.0", "127.0.0.1");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    HttpResponse<byte[]> cab = get(base + "authrootstl.cab?0123456789abcdef");
                    HttpResponse<byte[]> seq = get(base + "authrootseq.txt");
                    if (cab.statusCode() != 200 || !cabs.contains(Hex.sha256(cab.body()))) {
                      bad.add("authrootstl.cab: " + cab.statusCode());
                    } else if (seq.statusCode() != 200
                        || !seqs.contains(
                            new String(seq.body(), java.nio.charset.StandardCharsets.US_ASCII))) {
                      bad.add("authrootseq.txt: " + seq.statusCode());
                    } else {
                      served.addAndGet(2);
                    }
                    // Steady traffic, not a busy loop that would starve the imports of CPU.
                    Thread.sleep(2);
                  } catch (Exception e) {
                    bad.add(String.valueOf(e));
                  }
                }
              },
              "crash-test-client-" + i);
      t.setDaemon(true);
      t.start();
      clients.add(t);
    }

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    Random rnd = new Random(20261123);
    int trials = Integer.getInteger("trustbundle.crashTrials", 10);
    int completed = 0;
    long fullMillis;
    try {
      // How long an uninterrupted import takes here (the fastest of three, each extracting its
      // version afresh), so that the kills land across the whole of one.
      fullMillis = Long.MAX_VALUE;
      for (int w = 0; w < 3; w++) {
        Path target =
            isBundle(state, new StateStore(state).active().orElseThrow().id(), one) ? two : one;
        long t0 = System.nanoTime();
        Process whole = importProcess(java, cp, target, state, trust, at);
        assertThat(whole.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(whole.exitValue()).isZero();
        fullMillis = Math.min(fullMillis, Math.max(200, (System.nanoTime() - t0) / 1_000_000));
      }
      for (int i = 0; i < trials; i++) {
        String active = new StateStore(state).active().orElseThrow().id();
        Path target = isBundle(state, active, one) ? two : one;
        Process p = importProcess(java, cp, target, state, trust, at);
        // Stratified over the whole import (and a little after it), so that every phase is hit.
        Thread.sleep((long) (fullMillis * 1.05 * (i + rnd.nextDouble()) / trials));
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() == 0) {
          completed++;
        }
        ImportCommandTest.assertConsistent(state, at);
        // The server serves exactly the active version (it follows imports every second; reload
        // now rather than wait).
        server.reload();
        String now = new StateStore(state).active().orElseThrow().id();
        assertThat(server.servedId()).contains(now);
        byte[] want =
            Files.readAllBytes(
                state.resolve("versions").resolve(now).resolve("mirror/authrootstl.cab"));
        HttpResponse<byte[]> got = get(base + "authrootstl.cab");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(want);
      }
    } finally {
      running.set(false);
      for (Thread t : clients) {
        t.join(10_000);
      }
      server.close();
    }
    System.out.printf(
        "crash consistency: %d trials over an import of %d ms (%d imports finished before the kill, %d killed mid-way),"
            + " 0 inconsistent states, %d requests served during them, %d failed%n",
        trials, fullMillis, completed, trials - completed, served.get(), bad.size());
    assertThat(bad).isEmpty();
    assertThat(served.get()).isPositive();
  }

  private static boolean isBundle(Path state, String id, Path bundle) throws Exception {
    byte[] manifest = BuildCommandTest.read(bundle).get("manifest.json");
    return java.util.Arrays.equals(
        manifest,
        Files.readAllBytes(state.resolve("versions").resolve(id).resolve("manifest.json")));
  }

  private static Process importProcess(
      String java, String cp, Path bundle, Path state, Path trust, String at) throws Exception {
    return new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            cp,
            "dev.trustbundle.cli.Main",
            "import",
            bundle.toString(),
            "--state",
            state.toString(),
            "--trust",
            trust.toString(),
            "--at",
            at,
            "--allow-downgrade",
            // One version kept: every import extracts its version afresh (and prunes the other),
            // so that kills land in extraction, activation and pruning alike.
            "--keep",
            "1")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static HttpResponse<byte[]> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
