package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.UpstreamSim;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbundle build} against upstream-sim on loopback, with the real Microsoft files. */
class BuildCommandTest {
  static final String PASS = "file:";
  static Path keyDir;
  static Path p12;
  static Path passFile;
  static SigningKey key;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static synchronized void keys(@TempDir Path dir) throws Exception {
    if (p12 != null && Files.exists(p12)) {
      return;
    }
    Files.createDirectories(dir);
    keyDir = dir;
    key =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Test Publisher",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(3650));
    p12 = dir.resolve("publisher.p12");
    Files.write(p12, Keys.toPkcs12(key, "pw".toCharArray()));
    passFile = dir.resolve("pass.txt");
    Files.writeString(passFile, "pw\n");
  }

  static Run build(String upstream, Path out, String at, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "--upstream",
                upstream,
                "--sign-key",
                p12.toString(),
                "--sign-pass",
                PASS + passFile,
                "--out",
                out.toString(),
                "--at",
                at,
                "--json"));
    args.addAll(List.of(extra));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  static SortedMap<String, byte[]> read(Path bundle) throws Exception {
    return BundleArchive.read(
        new ByteArrayInputStream(Files.readAllBytes(bundle)), BundleArchive.Limits.DEFAULT);
  }

  @Test
  void buildsSignedVerifiedBundleFromASlowUpstream(@TempDir Path dir) throws Exception {
    try (UpstreamSim sim =
        UpstreamSim.start(UpstreamSim.tree("2025-06-16"), "--latency-ms", "20")) {
      Path out = dir.resolve("b.tar.gz");
      Run r = build(sim.url(), out, "2025-07-01");
      assertThat(r.code()).as(r.err()).isZero();
      SortedMap<String, byte[]> files = read(out);
      assertThat(files)
          .containsKeys(
              "manifest.json",
              "manifest.json.p7s",
              "mirror/authrootstl.cab",
              "mirror/disallowedcertstl.cab",
              "mirror/authrootseq.txt",
              "mirror/DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt");
      assertThat(new String(files.get("mirror/authrootseq.txt"))).isEqualTo("1401DBDEE7F1A4F449");
      assertThat(files.keySet().stream().filter(n -> n.endsWith(".crt"))).hasSize(514);
      ManifestSignature.verify(
          files.get("manifest.json"), files.get("manifest.json.p7s"), key.certificate());
      Manifest m = Json.read(files.get("manifest.json"));
      assertThat(m.files()).hasSize(files.size() - 2);
      for (Manifest.FileInfo f : m.files()) {
        assertThat(Hex.sha256(files.get(f.path()))).isEqualTo(f.sha256());
      }
      assertThat(m.lists())
          .extracting(Manifest.ListInfo::kind)
          .contains("authroot", "disallowedcert");
      assertThat(m.expires()).isEqualTo("2025-07-31T00:00:00Z");
      JsonNode summary = new ObjectMapper().readTree(r.out());
      assertThat(summary.get("files").asInt()).isEqualTo(522);
      // Reproducible layout: sorted names, fixed times and modes.
      assertThat(new ArrayList<>(files.keySet())).isSorted();
      // inspect checks a bundle on its own: signature, every file, every list.
      StringWriter o = new StringWriter();
      int code =
          Main.run(
              new String[] {"inspect", "--at", "2025-07-01", out.toString()},
              new PrintWriter(o),
              new PrintWriter(new StringWriter()));
      assertThat(code).isZero();
      assertThat(o.toString())
          .contains("522 of 522 match the manifest")
          .contains("authroot 1401DBDEE7F1A4F449, thisUpdate 2025-06-16T17:56:11Z")
          .contains("signature       intact");
      SortedMap<String, byte[]> tampered = new java.util.TreeMap<>(files);
      tampered.put("mirror/authrootseq.txt", "1401DBDEE7F1A4F44A".getBytes());
      Path bad = dir.resolve("bad.tar.gz");
      try (var os = Files.newOutputStream(bad)) {
        BundleArchive.write(tampered, os);
      }
      StringWriter o2 = new StringWriter();
      int code2 =
          Main.run(
              new String[] {"inspect", "--at", "2025-07-01", bad.toString()},
              new PrintWriter(o2),
              new PrintWriter(new StringWriter()));
      assertThat(code2).isEqualTo(1);
      assertThat(o2.toString()).contains("mirror/authrootseq.txt does not match");
      StringWriter o3 = new StringWriter();
      int code3 =
          Main.run(
              new String[] {"inspect", "--at", "2025-08-01", out.toString()},
              new PrintWriter(o3),
              new PrintWriter(new StringWriter()));
      assertThat(code3).isEqualTo(1);
      assertThat(o3.toString()).contains("the bundle expired on 2025-07-31");
    }
  }

  @Test
  void failsOnATamperedCabinet(@TempDir Path dir) {
    try (UpstreamSim sim =
        UpstreamSim.start(UpstreamSim.tree("2025-06-16"), "--corrupt", "authrootstl.cab")) {
      Run r = build(sim.url(), dir.resolve("b.tar.gz"), "2025-07-01");
      // A cabinet that does not parse is malformed input, as inspect says of the same bytes.
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.err()).contains("authrootstl.cab").contains("failed verification");
    }
  }

  @Test
  void aListWithABadSignatureLeavesNothingInTheCache(@TempDir Path dir) throws Exception {
    Path up = dir.resolve("up");
    Files.createDirectories(up);
    try (var s = Files.list(UpstreamSim.tree("2025-06-16"))) {
      for (Path p : s.toList()) {
        Files.copy(p, up.resolve(p.getFileName()));
      }
    }
    byte[] stl = Files.readAllBytes(UpstreamSim.tree("2025-06-16").resolve("authroot.stl"));
    // A friendly name changed: the list still parses, but its digest no longer matches.
    int at =
        dev.trustbundle.testing.Bytes.indexOf(
            stl, "DigiCert Global Root G2".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
    stl[at] = 'E';
    Files.delete(up.resolve("authrootstl.cab"));
    Files.write(
        up.resolve("authrootstl.cab"),
        new dev.trustbundle.testing.CabBuilder().add("authroot.stl", stl).build());
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      Path cache = dir.resolve("cache");
      Run r = build(sim.url(), dir.resolve("b.tar.gz"), "2025-07-01", "--cache", cache.toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("messageDigest does not match");
      try (var s = Files.list(cache)) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void unchangedUpstreamWithCacheTransfersNoBodies(@TempDir Path dir) throws Exception {
    try (UpstreamSim sim = UpstreamSim.start(UpstreamSim.tree("2025-06-16"))) {
      Path cache = dir.resolve("cache");
      Run first =
          build(sim.url(), dir.resolve("1.tar.gz"), "2025-07-01", "--cache", cache.toString());
      assertThat(first.code()).as(first.err()).isZero();
      Run second =
          build(sim.url(), dir.resolve("2.tar.gz"), "2025-07-01", "--cache", cache.toString());
      assertThat(second.code()).as(second.err()).isZero();
      JsonNode n = new ObjectMapper().readTree(second.out()).get("network");
      assertThat(n.get("bytesDownloaded").asLong()).isZero();
      assertThat(n.get("notModified").asLong()).isGreaterThan(500);
      assertThat(read(dir.resolve("2.tar.gz")).get("mirror/authrootstl.cab"))
          .isEqualTo(read(dir.resolve("1.tar.gz")).get("mirror/authrootstl.cab"));
    }
  }

  @Test
  void previousBundleNamesRemovedRootsAndKeepsThemForTheGracePeriod(@TempDir Path dir)
      throws Exception {
    Path one = dir.resolve("1.tar.gz");
    try (UpstreamSim sim = UpstreamSim.start(UpstreamSim.tree("2025-06-16"))) {
      assertThat(build(sim.url(), one, "2025-07-01").code()).isZero();
    }
    Path two = dir.resolve("2.tar.gz");
    try (UpstreamSim sim = UpstreamSim.start(UpstreamSim.tree("2025-08-26"))) {
      Run r = build(sim.url(), two, "2025-09-01", "--previous", one.toString());
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode changes = new ObjectMapper().readTree(r.out()).get("changes");
      assertThat(changes.get("rootsRemoved")).hasSize(7);
      assertThat(changes.get("rootsRemoved").toString()).contains("GeoTrust Universal CA");
      assertThat(changes.get("rootsAdded")).isEmpty();
      Manifest m = Json.read(read(two).get("manifest.json"));
      assertThat(m.removedRoots()).hasSize(7);
      assertThat(m.sequence()).isGreaterThan(Json.read(read(one).get("manifest.json")).sequence());
      String kept = m.removedRoots().get(0).sha1();
      assertThat(read(two)).containsKey("mirror/" + kept + ".crt");
    }
  }

  @Test
  void previousMustBeIntactFromThisPublisherAndNotNewer(@TempDir Path dir) throws Exception {
    Path newer = dir.resolve("newer.tar.gz");
    try (UpstreamSim sim = UpstreamSim.start(UpstreamSim.tree("2025-08-26"))) {
      assertThat(build(sim.url(), newer, "2025-09-01").code()).isZero();
    }
    try (UpstreamSim sim = UpstreamSim.start(UpstreamSim.tree("2025-06-16"))) {
      // An older upstream list than the previous bundle's is a rollback.
      Run back =
          build(sim.url(), dir.resolve("x.tar.gz"), "2025-09-02", "--previous", newer.toString());
      assertThat(back.code()).isEqualTo(1);
      assertThat(back.err()).contains("refusing a rollback");
      // A damaged previous bundle is refused.
      SortedMap<String, byte[]> files = new java.util.TreeMap<>(read(newer));
      files.put("mirror/authrootseq.txt", "0".getBytes());
      Path damaged = dir.resolve("damaged.tar.gz");
      try (var os = Files.newOutputStream(damaged)) {
        BundleArchive.write(files, os);
      }
      Run bad =
          build(sim.url(), dir.resolve("y.tar.gz"), "2025-09-02", "--previous", damaged.toString());
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("is damaged").contains("mirror/authrootseq.txt");
      // One from another publisher is named as such.
      SigningKey other =
          Keys.generate(
              Keys.Algorithm.EC_P256,
              "CN=Test Publisher",
              Instant.parse("2025-01-01T00:00:00Z"),
              Duration.ofDays(3650));
      SortedMap<String, byte[]> resigned = new java.util.TreeMap<>(read(newer));
      resigned.put(
          "manifest.json.p7s", ManifestSignature.sign(resigned.get("manifest.json"), other));
      Path foreign = dir.resolve("foreign.tar.gz");
      try (var os = Files.newOutputStream(foreign)) {
        BundleArchive.write(resigned, os);
      }
      Run f =
          build(sim.url(), dir.resolve("z.tar.gz"), "2025-09-02", "--previous", foreign.toString());
      assertThat(f.code()).isEqualTo(2);
      assertThat(f.err()).contains("signed by another publisher");
      assertThat(dir.resolve("x.tar.gz")).doesNotExist();
    }
  }

  @Test
  void refusesAnExpiredPublisherAndAcceptsProxyUrls(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    Run expired =
        build(UpstreamSim.tree("2025-06-16").toString(), dir.resolve("b.tar.gz"), "2040-01-01");
    assertThat(expired.code()).isEqualTo(2);
    assertThat(expired.err()).contains("publisher certificate expired");
    Run proxy = build("http://x.invalid/", dir.resolve("c.tar.gz"), "2025-07-01", "--proxy", "bad");
    assertThat(proxy.code()).isEqualTo(2);
    assertThat(proxy.err()).contains("--proxy bad is not HOST:PORT");
    Run out = build("http://x.invalid/", dir, "2025-07-01");
    assertThat(out.code()).isEqualTo(2);
    assertThat(out.err()).contains("must name a file");
  }

  @Test
  void exitsFourWhenTheUpstreamCannotBeReached(@TempDir Path dir) throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r =
        build(
            "http://127.0.0.1:" + port + "/",
            dir.resolve("b.tar.gz"),
            "2025-07-01",
            "--retries",
            "1");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err())
        .contains("failed after 2 attempts")
        .contains("connection refused")
        .doesNotContain("\tat ");
  }

  @Test
  void buildsFromALocalFolderAndRejectsBadFlags(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    Run r = build(UpstreamSim.tree("2025-06-16").toString(), dir.resolve("b.tar.gz"), "2025-07-01");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(build("/nonexistent", dir.resolve("c.tar.gz"), "2025-07-01").code()).isEqualTo(2);
    assertThat(build("http://x/", dir.resolve("c.tar.gz"), "2025-07-01", "--roots", "some").code())
        .isEqualTo(2);
    assertThat(
            build("http://x/", dir.resolve("c.tar.gz"), "2025-07-01", "--rewrite", "nope").code())
        .isEqualTo(2);
  }
}
