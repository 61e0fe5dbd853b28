package dev.trustbundle.cli;

import java.nio.file.Path;

/** Lets tests in other packages build bundles with the test publisher key. */
public final class BuildCommandTestAccess {
  private BuildCommandTestAccess() {}

  public static void keys(Path dir) throws Exception {
    BuildCommandTest.keys(dir);
  }

  public static byte[] certificate() throws Exception {
    return BuildCommandTest.key.certificate().getEncoded();
  }

  public static int build(String upstream, Path out, String at) {
    return BuildCommandTest.build(upstream, out, at).code();
  }
}
