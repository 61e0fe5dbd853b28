package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writing files so that a failure or interruption leaves nothing half-written. */
final class Outputs {
  private Outputs() {}

  /** Writes what {@code body} produces to a temporary file beside {@code target}, then renames. */
  interface Body {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Refuses an output path that is a folder or whose folder does not exist, before any work is
   * done.
   */
  static void requireFileTarget(Path target, String option) {
    Path dir = target.toAbsolutePath().getParent();
    if (Files.isDirectory(target) || dir == null || !Files.isDirectory(dir)) {
      throw new UsageException(option + " " + target + " must name a file in an existing folder");
    }
  }

  static void atomicWrite(Path target, Body body, boolean privateFile) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UsageException("the folder of " + target + " does not exist");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
      restrict(tmp, privateFile ? "rw-------" : "rw-r--r--");
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        body.write(out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UsageException(target + " cannot be written (" + e.getMessage() + ")");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static void restrict(Path p, String mode) {
    try {
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system (Windows): the folder's ACL applies.
    }
  }
}
