package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writing files so that a failure or interruption leaves nothing half-written, and only ever onto a
 * new name or a regular file. Every command that writes a file it is told to ({@code --out}, {@code
 * --html}, keygen's files, client-config's) writes it here.
 */
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
    requireRegularOrNew(target, option + " ");
  }

  /**
   * Refuses a target that exists but is not a regular file (a device node, FIFO, socket, folder or
   * symbolic link): the rename would replace it, so {@code --out /dev/null} would delete the node.
   */
  private static void requireRegularOrNew(Path target, String what) {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(
          what
              + target
              + " exists and is not a regular file ("
              + (Files.isSymbolicLink(target)
                  ? "a symbolic link"
                  : Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)
                      ? "a folder"
                      : "a device, FIFO or socket")
              + "); give a new file name or a regular file to replace");
    }
  }

  static void atomicWrite(Path target, Body body, boolean privateFile) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UsageException("the folder of " + target + " does not exist");
    }
    requireRegularOrNew(target, "");
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
      // Again at the last moment: the target may have been replaced while the body was written.
      requireRegularOrNew(target, "");
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
