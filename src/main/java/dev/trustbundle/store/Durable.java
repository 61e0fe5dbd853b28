package dev.trustbundle.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The one durable-write routine of the state folder: files written and synced under a temporary
 * name, then renamed into place, the folder synced after. Every rename goes through {@link
 * Faults#before}, so that a test can fail any one of them.
 */
final class Durable {
  /**
   * Called before each rename or replace of the state folder; a test makes the Nth throw, as an I/O
   * error (or a crash) at that moment would stop the change there.
   */
  @FunctionalInterface
  interface Faults {
    /** No faults. */
    Faults NONE = step -> {};

    /**
     * @param step what is about to be renamed, e.g. {@code state.json}
     */
    void before(String step) throws IOException;
  }

  private final Faults faults;

  Durable(Faults faults) {
    this.faults = faults;
  }

  /** Passes a step of a change that is not a rename (a file copied) through the fault seam. */
  void step(String step) throws IOException {
    faults.before(step);
  }

  /** Writes a new file without syncing it (see {@link #forceAll}). */
  static void write(Path p, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** Writes a new file and syncs it. */
  static void writeSynced(Path p, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /** Replaces {@code target} with {@code data}: written beside it, synced, renamed over it. */
  void replace(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    writeSynced(tmp, data);
    try {
      rename(target.getFileName().toString(), tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renames {@code from} to {@code to} atomically where the file system can, then syncs. */
  void rename(String step, Path from, Path to) throws IOException {
    faults.before(step);
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDir(to.getParent());
  }

  /** Forces each file to disk, at most 16 at a time; the first failure is thrown. */
  static void forceAll(List<Path> paths) throws IOException {
    if (paths.isEmpty()) {
      return;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(16, paths.size()),
            r -> {
              Thread t = new Thread(r, "trustbundle-fsync");
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>(paths.size());
      for (Path p : paths) {
        done.add(
            pool.submit(
                () -> {
                  try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(true);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while syncing the new version");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Syncs every folder of a tree, deepest first. */
  static void syncTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      List<Path> dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
      for (Path d : dirs) {
        fsyncDir(d);
      }
    }
  }

  /** Syncs a folder's entries; a file system that cannot (Windows) is left to its own journal. */
  static void fsyncDir(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Directories cannot be opened for sync on every platform.
    }
  }

  /** Deletes a tree, deepest first; links are removed, never followed. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
