package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.testing.UpstreamSim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two consecutive real bundles, built once per test run with the test publisher from the
 * make-upstream trees of 2025-06-16 and 2025-08-26; the second is built with {@code --previous} the
 * first and {@code --html}, so it carries the seven roots Microsoft removed in their grace period
 * and a build report. Skipped like {@link UpstreamSim} when the tools are absent.
 */
final class TestBundles {
  private static Path dir;

  private TestBundles() {}

  /** The folder holding {@code june.tar.gz}, {@code august.tar.gz} and {@code build.html}. */
  static synchronized Path get() {
    UpstreamSim.require();
    if (dir != null) {
      return dir;
    }
    try {
      Path d = Files.createTempDirectory("tb-bundles-");
      BuildCommandTest.keys(d.resolve("keys"));
      BuildCommandTest.Run one =
          BuildCommandTest.build(
              UpstreamSim.tree("2025-06-16").toString(), d.resolve("june.tar.gz"), "2025-07-01");
      assertThat(one.code()).as(one.err()).isZero();
      BuildCommandTest.Run two =
          BuildCommandTest.build(
              UpstreamSim.tree("2025-08-26").toString(),
              d.resolve("august.tar.gz"),
              "2025-09-01",
              "--previous",
              d.resolve("june.tar.gz").toString(),
              "--html",
              d.resolve("build.html").toString());
      assertThat(two.code()).as(two.err()).isZero();
      Files.writeString(d.resolve("august-build.json"), two.out());
      dir = d;
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Path june() {
    return get().resolve("june.tar.gz");
  }

  static Path august() {
    return get().resolve("august.tar.gz");
  }

  static Path buildReport() {
    return get().resolve("build.html");
  }
}
