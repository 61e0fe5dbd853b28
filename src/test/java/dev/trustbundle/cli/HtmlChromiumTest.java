package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.testing.UpstreamSim;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML outputs (diff, build report, the mirror's status page) rendered by headless Chromium
 * (Debian's {@code chromium}): the DOM after rendering holds the expected elements and texts, and a
 * 1280x900 screenshot is a real, styled page. Skipped with a message when Chromium is not installed
 * ({@code apt-get install chromium}; {@code .ci/run} installs it).
 */
class HtmlChromiumTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final int WIDTH = 1280;
  static final int HEIGHT = 900;
  static final long TIMEOUT_SECONDS = 90;

  @BeforeAll
  static void requireChromium() {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "/usr/bin/chromium is not installed (apt-get install chromium): HTML rendering test"
            + " skipped");
  }

  /** What Chromium made of a page. */
  record Rendered(String dom, BufferedImage screenshot) {}

  /**
   * Renders a URL twice (DOM, then screenshot), each time with a fresh profile. The screenshot is
   * also kept as {@code target/html-screenshots/<name>.png}, with the rendered DOM as {@code
   * <name>.html}, for people to look at.
   */
  static Rendered render(String url, Path work, String name) throws Exception {
    Files.createDirectories(work);
    Path dom = work.resolve("dom.html");
    chromium(work.resolve("profile-dom"), dom, List.of("--dump-dom", url));
    Path png = work.resolve("screenshot.png");
    chromium(
        work.resolve("profile-shot"),
        work.resolve("shot.log"),
        List.of(
            "--screenshot=" + png,
            "--window-size=" + WIDTH + "," + HEIGHT,
            "--hide-scrollbars",
            url));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG at " + png).isNotNull();
    Path keep = Path.of("target", "html-screenshots");
    Files.createDirectories(keep);
    Files.copy(png, keep.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dom, keep.resolve(name + ".html"), StandardCopyOption.REPLACE_EXISTING);
    return new Rendered(Files.readString(dom, StandardCharsets.UTF_8), image);
  }

  private static void chromium(Path profile, Path stdout, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            CHROMIUM.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile));
    cmd.addAll(args);
    Path stderr = stdout.resolveSibling(stdout.getFileName() + ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
      }
      assertThat(p.exitValue()).as("chromium exit status; stderr in " + stderr).isZero();
    } finally {
      if (p.isAlive()) {
        // Its helper processes (zygote, renderer) first, then chromium itself.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The rows of a table's body in the rendered DOM. */
  static int rows(String dom, String tableId) {
    int at = dom.indexOf("id=\"" + tableId + "\"");
    assertThat(at).as("table " + tableId + " in the DOM").isNotNegative();
    int body = dom.indexOf("<tbody>", at);
    int end = dom.indexOf("</tbody>", body);
    Matcher m = Pattern.compile("<tr[ >]").matcher(dom.substring(body, end));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** A screenshot of the requested size with a styled page in it, not a blank one. */
  static void assertStyledScreenshot(BufferedImage img) {
    assertThat(img.getWidth()).isEqualTo(WIDTH);
    assertThat(img.getHeight()).isEqualTo(HEIGHT);
    Set<Integer> colours = new HashSet<>();
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        double lum = 0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
        sum += lum;
        sumSq += lum * lum;
        n++;
      }
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSq / n - mean * mean);
    assertThat(colours.size()).as("distinct colours").isGreaterThan(100);
    assertThat(sd).as("brightness standard deviation").isGreaterThan(20);
    // The header band is the dark blue of the shared style, the page below it light.
    int header = img.getRGB(30, 30);
    assertThat(header & 0xFF).as("header blue").isGreaterThan((header >> 16) & 0xFF);
    assertThat(mean).as("mean brightness of a light page").isGreaterThan(150);
  }

  @Test
  void diffOfRealListsRendersTheSevenRemovedRoots(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("diff.html");
    int code =
        DiffCommandTest.run(
                "diff",
                "--at",
                "2025-09-01",
                "--roots",
                Fixtures.roots().toString(),
                "--html",
                html.toString(),
                Fixtures.ctl("authrootstl-2025-06-16.cab").toString(),
                Fixtures.ctl("authroot-2025-08-26.stl").toString())
            .code();
    assertThat(code).isZero();
    Rendered r = render(html.toUri().toString(), dir.resolve("chromium"), "diff");
    assertThat(r.dom())
        .contains("<title>Trust list changes</title>")
        .contains("both sides verified");
    DiffCommandTest.SEVEN_REMOVED.forEach(
        (sha1, name) -> assertThat(r.dom()).contains(name).contains(sha1));
    assertThat(rows(r.dom(), "authroot-removed")).isEqualTo(7);
    assertThat(rows(r.dom(), "authroot-changed")).isEqualTo(73);
    assertThat(rows(r.dom(), "sides")).isEqualTo(2);
    assertThat(r.dom()).contains("id=\"authroot-added\"").contains("Nothing added.");
    assertStyledScreenshot(r.screenshot());
  }

  @Test
  void hostileFriendlyNamesStayText(@TempDir Path dir) throws Exception {
    TestPki pki = TestPki.standard();
    String hostile =
        "<script>document.title='PWNED';document.body.innerHTML='PWNED'</script>"
            + "<img src=x onerror=\"document.title='PWNED'\">";
    Path a = dir.resolve("authroot-a.stl");
    Path b = dir.resolve("authroot-b.stl");
    Files.write(a, new CtlBuilder(pki).addRoot(new byte[] {1}, "Kept").build());
    Files.write(
        b,
        new CtlBuilder(pki)
            .thisUpdate(Instant.parse("2025-06-02T00:00:00Z"))
            .addRoot(new byte[] {1}, "Kept")
            .addRoot(new byte[] {2}, hostile)
            .build());
    Path html = dir.resolve("hostile.html");
    // The test PKI is not Microsoft's, so neither side verifies; the diff is still written.
    DiffCommandTest.Run run =
        DiffCommandTest.run(
            "diff", "--at", "2025-06-03", "--html", html.toString(), a.toString(), b.toString());
    assertThat(run.code()).isZero();
    assertThat(run.err()).contains("does not verify");
    Rendered r = render(html.toUri().toString(), dir.resolve("chromium"), "diff-hostile");
    assertThat(r.dom())
        .contains("<title>Trust list changes</title>")
        .contains("&lt;script&gt;document.title='PWNED'")
        .contains("&lt;img src=x onerror=")
        .doesNotContain("<script")
        .doesNotContain("<img")
        .contains("NOT VERIFIED");
    assertThat(rows(r.dom(), "authroot-added")).isEqualTo(1);
    assertStyledScreenshot(r.screenshot());
  }

  @Test
  void buildReportOfARealBuildRendersListsFilesAndTheGracePeriod(@TempDir Path dir)
      throws Exception {
    Rendered r =
        render(TestBundles.buildReport().toUri().toString(), dir.resolve("chromium"), "build");
    assertThat(r.dom())
        .contains("<title>Bundle build report</title>")
        .contains("built and verified");
    assertThat(rows(r.dom(), "lists-table")).isEqualTo(2);
    assertThat(rows(r.dom(), "grace-table")).isEqualTo(7);
    assertThat(rows(r.dom(), "changes-authroot-removed")).isEqualTo(7);
    assertThat(r.dom()).contains("1401DC16C38DC3B89E").contains("removed-root");
    DiffCommandTest.SEVEN_REMOVED.values().forEach(n -> assertThat(r.dom()).contains(n));
    assertStyledScreenshot(r.screenshot());
  }

  @Test
  void buildReportWithAProfileShowsExtrasAndCrls(@TempDir Path dir) throws Exception {
    BuildCommandTest.keys(dir.resolve("k"));
    TestPki pki = TestPki.standard();
    Path up =
        ProfileBuildTest.upstream(
            dir, pki, ProfileBuildTest.crl(pki.root, Instant.parse("2025-07-20T00:00:00Z")));
    Path html = dir.resolve("build.html");
    try (UpstreamSim sim = UpstreamSim.start(up)) {
      BuildCommandTest.Run r =
          ProfileBuildTest.run(
              dir,
              sim,
              ProfileBuildTest.profile(
                  pki, "C8025F9FC65FDFC95B3CA8CC7867B9A587B5277973957917463FC813D0B625A9"),
              "--html",
              html.toString());
      assertThat(r.code()).as(r.err()).isZero();
    }
    Rendered r = render(html.toUri().toString(), dir.resolve("chromium"), "build-profile");
    // One extra root and two intermediates, with their subjects and source URLs.
    assertThat(rows(r.dom(), "extras-table")).isEqualTo(3);
    assertThat(r.dom())
        .contains("CN=Microsoft Azure RSA TLS Issuing CA 03")
        .contains("http://cacerts.test/ca1.crt");
    // The CRL expires (2025-07-20) before the bundle does (2025-07-31): flagged.
    assertThat(rows(r.dom(), "crls-table")).isEqualTo(1);
    assertThat(r.dom())
        .contains("http://crl.test/test.crl")
        .contains("2025-07-20T00:00:00Z")
        .contains("expires before the bundle");
    assertThat(r.dom()).doesNotContain("id=\"grace-table\"").doesNotContain("Changes since");
    assertStyledScreenshot(r.screenshot());
  }

  @Test
  void statusPageOfARunningMirrorRendersTheActiveBundle(@TempDir Path dir) throws Exception {
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTestAccess.certificate());
    Path state = dir.resolve("state");
    DiffCommandTest.Run imported =
        DiffCommandTest.run(
            "import",
            TestBundles.august().toString(),
            "--state",
            state.toString(),
            "--trust",
            trust.toString(),
            "--at",
            "2025-09-02");
    assertThat(imported.code()).as(imported.err()).isZero();
    Clock clock = Clock.fixed(Instant.parse("2025-09-02T00:00:00Z"), ZoneOffset.UTC);
    try (MirrorServer server =
        new MirrorServer(
            new StateStore(state), dev.trustbundle.testing.Servers.loopback(8), clock)) {
      server.start();
      String base = server.urls().get(0).replace("0.0.0.0", "127.0.0.1");
      Rendered r = render(base + "status", dir.resolve("chromium"), "status");
      assertThat(r.dom())
          .contains("<title>TrustBundle mirror</title>")
          .contains("id=\"health\" class=\"badge big ok\">healthy")
          .contains("1401DC16C38DC3B89E")
          .contains("Trust lists");
      assertThat(rows(r.dom(), "lists")).isEqualTo(2);
      assertThat(rows(r.dom(), "history")).isEqualTo(1);
      assertThat(rows(r.dom(), "active")).isEqualTo(5);
      assertStyledScreenshot(r.screenshot());
    }
  }
}
