package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.BundleContents;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify, import, status and rollback on bundles built from the real fixtures. */
class ImportCommandTest {
  static Path dir;
  static Path one;
  static Path two;
  static Path trust;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  @BeforeAll
  static void bundles(@TempDir Path d) throws Exception {
    UpstreamSim.require();
    dir = d;
    BuildCommandTest.keys(d.resolve("keys"));
    trust = d.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    one = d.resolve("one.tar.gz");
    two = d.resolve("two.tar.gz");
    assertThat(
            BuildCommandTest.build(UpstreamSim.tree("2025-06-16").toString(), one, "2025-07-01")
                .code())
        .isZero();
    assertThat(
            BuildCommandTest.build(
                    UpstreamSim.tree("2025-08-26").toString(),
                    two,
                    "2025-09-01",
                    "--previous",
                    one.toString())
                .code())
        .isZero();
  }

  static Path rewrite(String name, java.util.function.Consumer<SortedMap<String, byte[]>> change)
      throws Exception {
    SortedMap<String, byte[]> files = new TreeMap<>(BuildCommandTest.read(one));
    change.accept(files);
    Path p = dir.resolve(name);
    try (var os = Files.newOutputStream(p)) {
      BundleArchive.write(files, os);
    }
    return p;
  }

  @Test
  void verifiesAGoodBundleAndPrintsEvidence() throws Exception {
    Run r =
        run("verify", one.toString(), "--trust", trust.toString(), "--at", "2025-07-02", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("filesVerified").asInt()).isEqualTo(522);
    assertThat(j.get("lists").toString()).contains("authroot 1401DBDEE7F1A4F449");
    assertThat(j.get("signer").asText()).contains("Test Publisher");
  }

  @Test
  void refusesHostileBundles() throws Exception {
    String at = "2025-07-02";
    Path swapped =
        rewrite(
            "swapped.tar.gz",
            f ->
                f.put(
                    "mirror/DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt",
                    f.get("mirror/A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436.crt")));
    Run r1 = run("verify", swapped.toString(), "--trust", trust.toString(), "--at", at);
    assertThat(r1.code()).isEqualTo(1);
    assertThat(r1.err()).contains("does not match its signed manifest").doesNotContain("\tat ");

    Path unlisted = rewrite("unlisted.tar.gz", f -> f.put("mirror/extra.txt", new byte[] {1}));
    Run r2 = run("verify", unlisted.toString(), "--trust", trust.toString(), "--at", at);
    assertThat(r2.code()).isEqualTo(1);
    assertThat(r2.err()).contains("mirror/extra.txt is in the archive but not in the manifest");

    SigningKey other =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Test Publisher",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(999));
    Path foreign =
        rewrite(
            "foreign.tar.gz",
            f -> f.put("manifest.json.p7s", ManifestSignature.sign(f.get("manifest.json"), other)));
    Run r3 = run("verify", foreign.toString(), "--trust", trust.toString(), "--at", at);
    assertThat(r3.code()).isEqualTo(1);
    assertThat(r3.err()).contains("not the trusted publisher");

    Run r4 = run("verify", one.toString(), "--trust", trust.toString(), "--at", "2025-09-01");
    assertThat(r4.code()).isEqualTo(1);
    assertThat(r4.err()).contains("expired on 2025-07-31").contains("--allow-expired");
    Run r5 =
        run(
            "verify",
            one.toString(),
            "--trust",
            trust.toString(),
            "--at",
            "2025-09-01",
            "--allow-expired");
    assertThat(r5.code()).isZero();

    Path garbage = dir.resolve("garbage.tar.gz");
    Files.write(garbage, new byte[] {0x1F, (byte) 0x8B, 8, 0, 1, 2, 3});
    assertThat(run("verify", garbage.toString(), "--trust", trust.toString()).code()).isEqualTo(3);
    assertThat(run("verify", one.toString(), "--trust", "nope.crt").code()).isEqualTo(2);
  }

  @Test
  void importsRefusesRollbacksKeepsHistoryAndRollsBack(@TempDir Path state) throws Exception {
    String t = trust.toString();
    Run first =
        run(
            "import",
            one.toString(),
            "--state",
            state.toString(),
            "--trust",
            t,
            "--at",
            "2025-07-02");
    assertThat(first.code()).as(first.err()).isZero();
    Run second =
        run(
            "import",
            two.toString(),
            "--state",
            state.toString(),
            "--trust",
            t,
            "--at",
            "2025-09-02");
    assertThat(second.code()).as(second.err()).isZero();
    Manifest m2 = Json.read(BuildCommandTest.read(two).get("manifest.json"));
    Manifest m1 = Json.read(BuildCommandTest.read(one).get("manifest.json"));

    Run back =
        run(
            "import",
            one.toString(),
            "--state",
            state.toString(),
            "--trust",
            t,
            "--at",
            "2025-07-02");
    assertThat(back.code()).isEqualTo(1);
    assertThat(back.err()).contains("refusing a rollback");

    Run status = run("status", "--state", state.toString(), "--at", "2025-09-03", "--json");
    assertThat(status.code()).isZero();
    JsonNode s = new ObjectMapper().readTree(status.out());
    assertThat(s.get("active").get("bundleId").asText()).isEqualTo(m2.bundleId());
    assertThat(s.get("history").toString()).contains("\"refused\"");

    Run rb = run("rollback", "--state", state.toString());
    assertThat(rb.code()).isZero();
    assertThat(rb.out()).contains(m1.bundleId());
    Run deliberate =
        run(
            "import",
            two.toString(),
            "--state",
            state.toString(),
            "--trust",
            t,
            "--at",
            "2025-09-02");
    assertThat(deliberate.code()).as(deliberate.err()).isZero();
    List<String> actions = new ArrayList<>();
    for (String line : Files.readAllLines(state.resolve("history.jsonl"))) {
      actions.add(new ObjectMapper().readTree(line).get("action").asText());
    }
    assertThat(actions).containsSubsequence("import", "import", "refused", "rollback", "import");
    // Expired: status says so with a non-zero exit.
    assertThat(run("status", "--state", state.toString(), "--at", "2026-01-01").code())
        .isEqualTo(1);
  }

  @Test
  void refusesAConcurrentImport(@TempDir Path state) throws Exception {
    Files.createDirectories(state.resolve("versions"));
    try (FileChannel ch =
            FileChannel.open(
                state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var lock = ch.lock()) {
      assertThat(lock.isValid()).isTrue();
      Run r =
          run(
              "import",
              one.toString(),
              "--state",
              state.toString(),
              "--trust",
              trust.toString(),
              "--at",
              "2025-07-02");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("another import or rollback is running");
    }
  }

  static void assertConsistent(Path state) throws Exception {
    assertConsistent(state, "2025-07-02");
  }

  static void assertConsistent(Path state, String at) throws Exception {
    JsonNode active = new ObjectMapper().readTree(Files.readAllBytes(state.resolve("active.json")));
    Path version = state.resolve("versions").resolve(active.get("id").asText());
    Manifest m = Json.read(Files.readAllBytes(version.resolve("manifest.json")));
    SortedMap<String, byte[]> files = new TreeMap<>();
    try (var walk = Files.walk(version)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(version.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    assertThat(BundleContents.problems(m, files)).isEmpty();
    ManifestSignature.verify(
        files.get("manifest.json"),
        files.get("manifest.json.p7s"),
        BuildCommandTest.key.certificate());
    Run status = run("status", "--state", state.toString(), "--at", at);
    assertThat(status.code()).as(status.out() + status.err()).isZero();
    assertThat(new String(Files.readAllBytes(state.resolve("active.json")), StandardCharsets.UTF_8))
        .contains(m.bundleId());
  }
}
