package dev.trustbundle.serve;

import dev.trustbundle.bundle.Budget;
import dev.trustbundle.bundle.BundleCheck;
import dev.trustbundle.bundle.FileRole;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.error.Messages;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a version into direct buffers and verifies it before anything of it is served: the size
 * budget first (from the manifest alone, before a byte is read), then each listed file's size and
 * SHA-256 over exactly the bytes put in its buffer, then the shared bundle rules ({@link
 * BundleCheck}). Files are read one at a time and never wholly onto the heap but for the one the
 * rule check is reading, so a version that fits the budget fits the memory serve runs with.
 */
final class VersionLoader {
  private static final String MANIFEST = "manifest.json";
  private static final String SIGNATURE = "manifest.json.p7s";

  private VersionLoader() {}

  /**
   * Loads and verifies a version.
   *
   * @param id the bundle id
   * @param dir its folder
   * @param m its manifest
   * @param now the evaluation time of the rule check
   * @throws VerificationException with a one-line reason when it must not be served
   */
  static Snapshot load(StateStore.Active version, Instant now) {
    return load(version, now, TrustAnchors.microsoft());
  }

  /**
   * Loads and verifies a version whose lists chain to {@code anchors}.
   *
   * @param anchors the roots Microsoft's lists must chain to: the pinned Microsoft roots, or in
   *     tests a synthetic root
   */
  static Snapshot load(StateStore.Active version, Instant now, TrustAnchors anchors) {
    String id = version.id();
    Path dir = version.path();
    Manifest m = version.manifest();
    checkBudget(m);
    Map<Manifest.FileInfo, ByteBuffer> verified = new HashMap<>();
    for (Manifest.FileInfo f : m.files()) {
      if (!isClient(f)) {
        verified.put(f, read(dir, f));
      }
    }
    BundleCheck.Report report =
        BundleCheck.check(m, new Contents(dir, m, verified), anchors, VerifyOptions.DEFAULT, now);
    if (!report.valid()) {
      List<String> p = report.problems();
      throw new VerificationException(
          "breaks the bundle rules: "
              + Messages.plain(p.get(0))
              + (p.size() > 1 ? " (and " + (p.size() - 1) + " more problems)" : ""));
    }
    return Snapshot.of(id, m, verified, version.lastModified());
  }

  /** {@code client/} files are for administrators: verified by the check, never served. */
  static boolean isClient(Manifest.FileInfo f) {
    return f.path().startsWith("client/") || f.role().equals(FileRole.CLIENT.label());
  }

  /** Refuses a version over the size budget from its manifest alone, before reading a byte. */
  static void checkBudget(Manifest m) {
    List<String> p = Budget.problems(m);
    if (!p.isEmpty()) {
      throw new VerificationException(
          Messages.plain(p.get(0))
              + (p.size() > 1 ? " (and " + (p.size() - 1) + " more problems)" : ""));
    }
  }

  /** The file, read into a direct buffer and verified against its manifest entry. */
  static ByteBuffer read(Path dir, Manifest.FileInfo f) {
    Path p = file(dir, f.path());
    ByteBuffer b;
    try {
      long size = regularSize(p, f.path());
      if (size != f.size()) {
        throw new VerificationException(sizeMismatch(f, size));
      }
      // Direct buffers go to the socket without a copy into Jetty's own, and live off the heap.
      b = ByteBuffer.allocateDirect((int) f.size());
      try (FileChannel ch =
          FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        while (b.hasRemaining()) {
          if (ch.read(b) < 0) {
            throw new VerificationException(f.path() + " became shorter while it was read");
          }
        }
        if (ch.read(ByteBuffer.allocate(1)) >= 0) {
          throw new VerificationException(f.path() + " became longer while it was read");
        }
      }
    } catch (NoSuchFileException e) {
      throw new VerificationException(f.path() + " is missing from the version's folder");
    } catch (IOException e) {
      throw new VerificationException(f.path() + " cannot be read: " + Messages.plain(e));
    }
    b.flip();
    String actual = sha256(b.duplicate());
    if (!actual.equals(f.sha256().toLowerCase(Locale.ROOT))) {
      throw new VerificationException(digestMismatch(f, actual));
    }
    return b.asReadOnlyBuffer();
  }

  /**
   * Re-reads a version's files on disk, streaming, and returns what no longer matches the manifest
   * (empty when all do). Nothing is kept in memory.
   */
  static List<String> scrubDisk(Path dir, Manifest m) {
    List<String> problems = new ArrayList<>();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    for (Manifest.FileInfo f : m.files()) {
      Path p = file(dir, f.path());
      try {
        long size = regularSize(p, f.path());
        if (size != f.size()) {
          problems.add(sizeMismatch(f, size));
          continue;
        }
        MessageDigest md = digest();
        try (FileChannel ch =
            FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
          chunk.clear();
          while (ch.read(chunk) >= 0) {
            chunk.flip();
            md.update(chunk);
            chunk.clear();
          }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(f.sha256().toLowerCase(Locale.ROOT))) {
          problems.add(digestMismatch(f, actual));
        }
      } catch (NoSuchFileException e) {
        problems.add(f.path() + " is missing from the version's folder");
      } catch (IOException | VerificationException e) {
        problems.add(Messages.plain(e));
      }
    }
    return problems;
  }

  /** Re-hashes the buffers being served; returns the names whose bytes changed in memory. */
  static List<String> scrubMemory(Snapshot snap) {
    List<String> problems = new ArrayList<>();
    Set<Snapshot.Entry> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Map<String, Snapshot.Entry> table : List.of(snap.mirror(), snap.byTree(), snap.byUrl())) {
      for (Map.Entry<String, Snapshot.Entry> e : table.entrySet()) {
        if (seen.add(e.getValue())) {
          String actual = "\"" + sha256(e.getValue().body().duplicate()) + "\"";
          if (!actual.equals(e.getValue().etag())) {
            problems.add(e.getKey() + " changed in memory since it was verified");
          }
        }
      }
    }
    return problems;
  }

  private static Path file(Path dir, String path) {
    Path p = dir.resolve(path).normalize();
    if (!p.startsWith(dir.normalize()) || path.indexOf('\\') >= 0) {
      throw new VerificationException(path + " is not a path inside the version's folder");
    }
    return p;
  }

  private static long regularSize(Path p, String path) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new VerificationException(path + " is not a regular file");
    }
    return a.size();
  }

  private static String sizeMismatch(Manifest.FileInfo f, long size) {
    return f.path() + " is " + size + " bytes on disk, the manifest says " + f.size();
  }

  private static String digestMismatch(Manifest.FileInfo f, String actual) {
    return f.path()
        + " does not match the manifest (SHA-256 "
        + actual.substring(0, 16)
        + "..., expected "
        + f.sha256().toLowerCase(Locale.ROOT).substring(0, Math.min(16, f.sha256().length()))
        + "...)";
  }

  static String sha256(ByteBuffer b) {
    MessageDigest md = digest();
    md.update(b);
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * The version's files for the rule check: the verified buffers copied out one at a time, and the
   * files serve does not keep (the manifest, its signature, {@code client/}) read from disk within
   * their budget and, when listed, verified like the others.
   */
  private record Contents(Path dir, Manifest m, Map<Manifest.FileInfo, ByteBuffer> verified)
      implements BundleCheck.Contents {
    @Override
    public Set<String> paths() {
      Set<String> out = new LinkedHashSet<>();
      out.add(MANIFEST);
      if (Files.isRegularFile(dir.resolve(SIGNATURE), LinkOption.NOFOLLOW_LINKS)) {
        out.add(SIGNATURE);
      }
      for (Manifest.FileInfo f : m.files()) {
        out.add(f.path());
      }
      return out;
    }

    @Override
    public byte[] read(String path) {
      for (Manifest.FileInfo f : m.files()) {
        if (f.path().equals(path)) {
          ByteBuffer b = verified.get(f);
          ByteBuffer direct = b != null ? b.duplicate() : VersionLoader.read(dir, f);
          byte[] out = new byte[direct.remaining()];
          direct.get(out);
          return out;
        }
      }
      if (path.equals(MANIFEST) || path.equals(SIGNATURE)) {
        Path p = dir.resolve(path);
        try {
          long size = regularSize(p, path);
          if (size > Budget.MAX_MANIFEST) {
            throw new VerificationException(
                path + " is over the budget of " + Budget.human(Budget.MAX_MANIFEST));
          }
          return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
          return null;
        } catch (IOException e) {
          throw new VerificationException(path + " cannot be read: " + Messages.plain(e));
        }
      }
      return null;
    }
  }
}
