package dev.trustbundle.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real files in {@code ../shared/fixtures}, used in place. Tests that need them are skipped
 * with a message when the folder is absent.
 */
public final class Fixtures {
  public static final Path ROOT = Path.of("..", "shared", "fixtures");

  private Fixtures() {}

  /** Skips the calling test when the fixtures are not beside the project. */
  public static Path require() {
    assumeTrue(
        Files.isDirectory(ROOT.resolve("ctl")),
        "../shared/fixtures is absent: real-data test skipped");
    return ROOT;
  }

  public static Path ctl(String name) {
    return require().resolve("ctl").resolve(name);
  }

  public static Path roots() {
    return require().resolve("certs").resolve("roots");
  }

  public static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
