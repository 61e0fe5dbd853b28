package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.testing.UpstreamSim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds against a faulty upstream, repeated with different seeds and reported as counts: with 20%
 * 503s and 10% cut connections every build succeeds; with a corrupted or a missing root (a
 * different one each trial) every build fails closed and writes nothing. {@code
 * -Dtrustbundle.faultTrials=N} (the {@code stress} profile: 10).
 */
class FaultsTest {
  @Test
  void buildsSucceedUnderTransientFaultsAndFailClosedOnBadRoots(@TempDir Path dir)
      throws Exception {
    UpstreamSim.require();
    BuildCommandTest.keys(dir.resolve("keys"));
    int trials = Integer.getInteger("trustbundle.faultTrials", 2);
    Path tree = UpstreamSim.tree("2025-06-16");
    List<String> roots;
    try (var s = Files.list(tree)) {
      roots =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crt")).sorted().toList();
    }
    Random rnd = new Random(6);
    int built = 0;
    long served503 = 0;
    long retries = 0;
    int corruptRefused = 0;
    int missingRefused = 0;
    for (int i = 0; i < trials; i++) {
      Path work = Files.createDirectory(dir.resolve("trial-" + i));
      try (UpstreamSim sim =
          UpstreamSim.start(
              tree,
              "--fail-rate",
              "0.2",
              "--truncate-rate",
              "0.1",
              "--seed",
              String.valueOf(100 + i))) {
        Path out = work.resolve("ok.tar.gz");
        BuildCommandTest.Run r =
            BuildCommandTest.build(sim.url(), out, "2025-07-01", "--retries", "12");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(BuildCommandTest.read(out).keySet().stream().filter(x -> x.endsWith(".crt")))
            .hasSize(514);
        JsonNode n = new ObjectMapper().readTree(r.out()).get("network");
        retries += n.get("retries").asLong();
        served503 += sim.count(503);
        built++;
      }
      String corrupt = roots.get(rnd.nextInt(roots.size()));
      try (UpstreamSim sim = UpstreamSim.start(tree, "--corrupt", corrupt)) {
        Path out = work.resolve("corrupt.tar.gz");
        BuildCommandTest.Run r = BuildCommandTest.build(sim.url(), out, "2025-07-01");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
            .contains(corrupt)
            .contains(sim.url())
            .contains("SHA-1")
            .doesNotContain("\tat ");
        assertThat(r.err().strip()).doesNotContain("\n");
        assertThat(out).doesNotExist();
        corruptRefused++;
      }
      String missing = roots.get(rnd.nextInt(roots.size()));
      try (UpstreamSim sim = UpstreamSim.start(tree, "--missing", missing)) {
        Path out = work.resolve("missing.tar.gz");
        BuildCommandTest.Run r = BuildCommandTest.build(sim.url(), out, "2025-07-01");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(missing).contains("404");
        assertThat(out).doesNotExist();
        missingRefused++;
      }
      try (var s = Files.list(work)) {
        assertThat(s.map(p -> p.getFileName().toString())).containsExactly("ok.tar.gz");
      }
    }
    System.out.printf(
        "faults: %d/%d builds succeeded under 20%% 503s + 10%% cut connections (%d 503s served,"
            + " %d retries); %d/%d with a corrupted root and %d/%d with a missing root failed"
            + " closed, nothing written%n",
        built, trials, served503, retries, corruptRefused, trials, missingRefused, trials);
    assertThat(served503).isPositive();
    assertThat(retries).isPositive();
  }
}
