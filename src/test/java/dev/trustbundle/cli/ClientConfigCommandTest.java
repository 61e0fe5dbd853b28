package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.client.ClientFiles;
import dev.trustbundle.client.ClientSettings;
import dev.trustbundle.client.MirrorUrl;
import dev.trustbundle.client.PolicyFile;
import dev.trustbundle.client.RegParser;
import dev.trustbundle.client.RegistryValue;
import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbundle client-config}, and the client/ folder that {@code build} puts in bundles. */
class ClientConfigCommandTest {
  static final List<String> ALL =
      List.of(
          "Registry.pol",
          "Set-TrustBundleMirror.ps1",
          "TrustBundle.admx",
          "en-US/TrustBundle.adml",
          "trustbundle-client.reg");

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @Test
  void writesTheFiveFilesAndListsThem(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("client");
    Run r = run("client-config", "--url", "http://ctl.example.internal/", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(files(out)).containsExactlyElementsOf(ALL);
    assertThat(r.out())
        .startsWith(
            "wrote 5 files to "
                + out.toAbsolutePath()
                + " for RootDirUrl http://ctl.example.internal/\n");
    assertThat(r.out().lines().skip(1).map(l -> l.trim().split(" +")[0]))
        .containsExactly(
            "trustbundle-client.reg",
            "Registry.pol",
            "Set-TrustBundleMirror.ps1",
            "TrustBundle.admx",
            "en-US/TrustBundle.adml");
    // Exactly what the generators produce, and no temporary files left behind.
    SortedMap<String, byte[]> expected =
        ClientFiles.generate(ClientSettings.of(new MirrorUrl("http://ctl.example.internal/")));
    for (String f : ALL) {
      assertThat(Files.readAllBytes(out.resolve(f))).as(f).isEqualTo(expected.get(f));
    }
    List<RegistryValue> reg =
        RegParser.parse(Files.readAllBytes(out.resolve("trustbundle-client.reg")));
    assertThat(reg.get(0).name()).isEqualTo("RootDirUrl");
    assertThat(reg.get(0).stringValue()).isEqualTo("http://ctl.example.internal/");
    assertThat(PolicyFile.read("Registry.pol", Files.readAllBytes(out.resolve("Registry.pol"))))
        .isEqualTo(reg);
  }

  @Test
  void addsFlagsAndSyncIntervalsWhenAsked(@TempDir Path dir) throws Exception {
    Run r =
        run(
            "client-config",
            "--url",
            "file://\\\\fs01\\ctl",
            "--out",
            dir.toString(),
            "--no-query-string",
            "--sync-interval",
            "86400");
    assertThat(r.code()).as(r.err()).isZero();
    List<RegistryValue> pol =
        PolicyFile.read("Registry.pol", Files.readAllBytes(dir.resolve("Registry.pol")));
    assertThat(pol)
        .extracting(RegistryValue::name)
        .containsExactly(
            "RootDirUrl",
            "Flags",
            "SyncDeltaTime",
            "DisallowedCertSyncDeltaTime",
            "PinRulesSyncDeltaTime",
            "DisableRootAutoUpdate",
            "EnableDisallowedCertAutoUpdate");
    assertThat(pol.get(0).stringValue()).isEqualTo("file://\\\\fs01\\ctl");
    assertThat(pol.get(1).dwordValue()).isEqualTo(4);
    assertThat(pol.get(2).dwordValue()).isEqualTo(86400);
    assertThat(RegParser.parse(Files.readAllBytes(dir.resolve("trustbundle-client.reg"))))
        .isEqualTo(pol);
    assertThat(Files.readString(dir.resolve("Set-TrustBundleMirror.ps1")))
        .contains("$GeneratedNoQueryString = $true")
        .contains("$GeneratedSyncIntervalSeconds = 86400");
  }

  @Test
  void refusesHostsClientsCannotReachUnlessForced(@TempDir Path dir) throws Exception {
    for (String url :
        List.of("http://0.0.0.0:80/", "http://127.0.0.1:8080/", "http://[fe80::1]/")) {
      Run r = run("client-config", "--url", url, "--out", dir.resolve("a").toString());
      assertThat(r.code()).as(url).isEqualTo(2);
      assertThat(r.err().strip()).doesNotContain("\n").contains("--url").contains("--force");
      assertThat(dir.resolve("a")).doesNotExist();
    }
    Run forced =
        run(
            "client-config",
            "--url",
            "http://127.0.0.1:8080/",
            "--out",
            dir.resolve("b").toString(),
            "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
  }

  @Test
  void refusesToOverwriteUnlessForced(@TempDir Path dir) throws Exception {
    assertThat(run("client-config", "--url", "http://a.example/", "--out", dir.toString()).code())
        .isZero();
    Files.writeString(dir.resolve("TrustBundle.admx"), "edited by the administrator");
    Run again = run("client-config", "--url", "http://b.example/", "--out", dir.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err().strip())
        .doesNotContain("\n")
        .contains("already exists")
        .contains("--force");
    // Nothing was written: the refusal comes before the first file.
    assertThat(Files.readString(dir.resolve("TrustBundle.admx")))
        .isEqualTo("edited by the administrator");
    assertThat(
            RegParser.parse(Files.readAllBytes(dir.resolve("trustbundle-client.reg")))
                .get(0)
                .stringValue())
        .isEqualTo("http://a.example/");
    Run forced =
        run("client-config", "--url", "http://b.example/", "--out", dir.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(
            RegParser.parse(Files.readAllBytes(dir.resolve("trustbundle-client.reg")))
                .get(0)
                .stringValue())
        .isEqualTo("http://b.example/");
    assertThat(Files.readAllBytes(dir.resolve("TrustBundle.admx")))
        .isEqualTo(dev.trustbundle.client.AdmxTemplates.admx());
    assertThat(files(dir)).containsExactlyElementsOf(ALL);
  }

  @Test
  void badUrlIsAUsageErrorOnOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    for (String url :
        List.of(
            "ftp://ctl.example/",
            "file:///srv/ctl",
            "file://server/share",
            "http://user:pw@ctl.example/",
            "ctl.example",
            "http://ctl.example/?q=1")) {
      Run r = run("client-config", "--url", url, "--out", out.toString());
      assertThat(r.code()).as(url).isEqualTo(2);
      assertThat(r.err()).startsWith("trustbundle: --url ").endsWith("\n");
      assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ");
      assertThat(out).doesNotExist();
    }
    Run missing = run("client-config", "--out", out.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--url");
    Run interval =
        run(
            "client-config",
            "--url",
            "http://a.example/",
            "--out",
            out.toString(),
            "--sync-interval",
            "5");
    assertThat(interval.code()).isEqualTo(2);
    assertThat(interval.err().strip())
        .isEqualTo("trustbundle: --sync-interval must be 60 to 31536000 seconds, not 5");
    Files.writeString(dir.resolve("file"), "x");
    Run notDir =
        run("client-config", "--url", "http://a.example/", "--out", dir.resolve("file").toString());
    assertThat(notDir.code()).isEqualTo(2);
    assertThat(notDir.err()).contains("is not a folder");
    assertThat(out).doesNotExist();
  }

  @Test
  void buildCarriesClientFilesThatVerifyImportAndAreNeverServed(@TempDir Path dir)
      throws Exception {
    UpstreamSim.require();
    BuildCommandTest.keys(dir.resolve("keys"));
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    String upstream = UpstreamSim.tree("2025-06-16").toString();
    String at = Instant.now().toString();

    // A bad --client-url is refused before anything is fetched.
    Path refused = dir.resolve("refused.tar.gz");
    BuildCommandTest.Run bad =
        BuildCommandTest.build(upstream, refused, at, "--client-url", "ftp://x/");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip()).startsWith("trustbundle: --client-url ").doesNotContain("\n");
    assertThat(refused).doesNotExist();

    Path with = dir.resolve("with.tar.gz");
    BuildCommandTest.Run r =
        BuildCommandTest.build(upstream, with, at, "--client-url", "http://ctl.example.internal/");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(r.out());
    assertThat(summary.get("files").asInt()).isEqualTo(524);
    assertThat(summary.get("clientUrl").asText()).isEqualTo("http://ctl.example.internal/");
    SortedMap<String, byte[]> files = BuildCommandTest.read(with);
    SortedMap<String, byte[]> expected =
        ClientFiles.generate(ClientSettings.of(new MirrorUrl("http://ctl.example.internal/")));
    for (String f : ALL) {
      assertThat(files.get("client/" + f)).as(f).isEqualTo(expected.get(f));
    }
    Manifest m = Json.read(files.get("manifest.json"));
    assertThat(m.files().stream().filter(f -> f.path().startsWith("client/")))
        .hasSize(5)
        .allSatisfy(
            f -> {
              assertThat(f.role()).isEqualTo("client");
              assertThat(f.sourceUrl()).isNull();
            });

    // Without --client-url the URL-independent files still travel.
    Path without = dir.resolve("without.tar.gz");
    assertThat(BuildCommandTest.build(upstream, without, at).code()).isZero();
    assertThat(
            BuildCommandTest.read(without).keySet().stream().filter(k -> k.startsWith("client/")))
        .containsExactly(
            "client/Set-TrustBundleMirror.ps1",
            "client/TrustBundle.admx",
            "client/en-US/TrustBundle.adml");
    assertThat(
            new String(
                BuildCommandTest.read(without).get("client/Set-TrustBundleMirror.ps1"),
                StandardCharsets.US_ASCII))
        .contains("[Parameter(ParameterSetName = 'Set', Mandatory = $true)]");

    // verify and inspect check them like every other file.
    Run v = run("verify", with.toString(), "--trust", trust.toString(), "--json");
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(new ObjectMapper().readTree(v.out()).get("filesVerified").asInt()).isEqualTo(524);
    Run i = run("inspect", with.toString());
    assertThat(i.code()).as(i.out()).isZero();
    assertThat(i.out()).contains("524 of 524 match the manifest");
    SortedMap<String, byte[]> tampered = new TreeMap<>(files);
    tampered.put(
        "client/trustbundle-client.reg",
        ClientFiles.generate(ClientSettings.of(new MirrorUrl("http://evil.example/")))
            .get(ClientFiles.REG));
    Path bad2 = dir.resolve("tampered.tar.gz");
    try (var os = Files.newOutputStream(bad2)) {
      BundleArchive.write(tampered, os);
    }
    Run tv = run("verify", bad2.toString(), "--trust", trust.toString());
    assertThat(tv.code()).isEqualTo(1);
    assertThat(tv.err()).contains("client/trustbundle-client.reg does not match");

    // import keeps them in the version folder; export writes only the mirror tree.
    Path state = dir.resolve("state");
    Run imp =
        run("import", with.toString(), "--state", state.toString(), "--trust", trust.toString());
    assertThat(imp.code()).as(imp.err()).isZero();
    Path version = state.resolve("versions").resolve(m.bundleId());
    for (String f : ALL) {
      assertThat(Files.readAllBytes(version.resolve("client").resolve(f)))
          .isEqualTo(expected.get(f));
    }
    Path export = dir.resolve("export");
    assertThat(run("export", "--state", state.toString(), "--out", export.toString()).code())
        .isZero();
    assertThat(files(export))
        .contains("authrootstl.cab")
        .doesNotContain("trustbundle-client.reg", "Registry.pol", "Set-TrustBundleMirror.ps1")
        .noneMatch(f -> f.startsWith("client/") || f.endsWith(".admx") || f.endsWith(".adml"));

    // serve answers Windows clients only: the client files are not published.
    try (MirrorServer server =
        new MirrorServer(
            new StateStore(state),
            dev.trustbundle.testing.Servers.loopback(8),
            Clock.systemUTC())) {
      server.start();
      String base = server.urls().get(0).replace("0.0.0.0", "127.0.0.1");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThat(status(http, base + "authrootstl.cab")).isEqualTo(200);
      for (String path :
          List.of(
              "client/trustbundle-client.reg",
              "trustbundle-client.reg",
              "Registry.pol",
              "client/Registry.pol",
              "Set-TrustBundleMirror.ps1",
              "TrustBundle.admx",
              "client/en-US/TrustBundle.adml",
              "msdownload/update/v3/static/trustedr/en/Registry.pol")) {
        assertThat(status(http, base + path)).as(path).isEqualTo(404);
      }
    }
  }

  static int status(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
