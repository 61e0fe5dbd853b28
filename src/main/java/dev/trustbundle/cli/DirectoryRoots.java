package dev.trustbundle.cli;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.verify.AnchorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Root certificates from a folder of {@code <SHA1>.crt} files, as {@code certutil -syncWithWU}
 * writes them. Names are tried in upper and lower case. Only names that are 40 hex digits are
 * looked up, so no other path can be reached.
 */
final class DirectoryRoots implements AnchorSource {
  private static final long MAX_CERT = 1024 * 1024;
  private final Path dir;

  DirectoryRoots(Path dir) {
    this.dir = dir;
  }

  @Override
  public Optional<byte[]> certificate(String sha1Hex) {
    if (!Hex.isHex(sha1Hex, 40)) {
      return Optional.empty();
    }
    for (String name :
        new String[] {
          sha1Hex.toUpperCase(Locale.ROOT) + ".crt", sha1Hex.toLowerCase(Locale.ROOT) + ".crt"
        }) {
      Path p = dir.resolve(name);
      try {
        if (Files.isRegularFile(p) && Files.size(p) <= MAX_CERT) {
          return Optional.of(Files.readAllBytes(p));
        }
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public String describe() {
    return dir.toString();
  }
}
