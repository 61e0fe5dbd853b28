package dev.trustbundle.store;

import dev.trustbundle.bundle.Budget;
import dev.trustbundle.bundle.BundleCheck;
import dev.trustbundle.bundle.FileRole;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a kept version as it is on disk now: its manifest, then every file the manifest names
 * (present, a regular file, its size and SHA-256), nothing else in the folder, and then the bundle
 * rules of {@link BundleCheck} over the same files, read one at a time. The manifest's signature
 * was checked at import; the publisher's certificate is not kept, so it is not checked again.
 */
final class VersionCheck {
  /** The bundle rules; tests of the store alone give their own. */
  @FunctionalInterface
  interface Rules {
    /** The default: {@link BundleCheck} with Microsoft's pinned roots. */
    Rules BUNDLE_CHECK =
        (m, files, now) ->
            BundleCheck.check(m, files, TrustAnchors.microsoft(), VerifyOptions.DEFAULT, now)
                .problems();

    List<String> problems(Manifest m, BundleCheck.Contents files, Instant now);
  }

  /**
   * What a check found.
   *
   * @param manifest the manifest, or null when it cannot be read
   * @param problems one line each, the file named first; empty when the version may be used
   */
  record Result(Manifest manifest, List<String> problems) {
    Result {
      problems = List.copyOf(problems);
      if (manifest == null && problems.isEmpty()) {
        throw new IllegalArgumentException("a version without a manifest has a problem");
      }
    }

    boolean valid() {
      return problems.isEmpty();
    }
  }

  private VersionCheck() {}

  /**
   * Checks the version in {@code root}, named {@code id}.
   *
   * @param rules the bundle rules, run only when every file matches the manifest
   */
  static Result check(String id, Path root, Rules rules, Instant now) {
    Manifest m;
    try {
      byte[] raw = read(root.resolve("manifest.json"), Budget.MAX_MANIFEST);
      if (raw == null) {
        return new Result(null, List.of("manifest.json is missing: the version is incomplete"));
      }
      m = Json.read(raw);
    } catch (IOException | RuntimeException e) {
      return new Result(null, List.of("manifest.json cannot be read (" + oneLine(e) + ")"));
    }
    List<String> problems = new ArrayList<>();
    if (!m.bundleId().equals(id)) {
      problems.add("manifest.json names bundle " + m.bundleId() + ", not the folder's " + id);
    }
    Map<String, Manifest.FileInfo> listed = new HashMap<>();
    for (Manifest.FileInfo f : m.files()) {
      listed.put(f.path(), f);
      String p = fileProblem(root, f);
      if (p != null) {
        problems.add(p);
      }
    }
    problems.addAll(Budget.problems(m));
    problems.addAll(unlisted(root, listed.keySet()));
    if (!Files.isRegularFile(root.resolve("manifest.json.p7s"), LinkOption.NOFOLLOW_LINKS)) {
      problems.add("manifest.json.p7s is missing: the version is incomplete");
    }
    if (problems.isEmpty()) {
      // The rules see the very bytes whose SHA-256 was just checked: each read is checked again.
      problems.addAll(rules.problems(m, contents(root, listed), now));
    }
    return new Result(m, problems);
  }

  /** Why one listed file cannot be used, or null. */
  private static String fileProblem(Path root, Manifest.FileInfo f) {
    Path p = resolve(root, f.path());
    if (p == null) {
      return f.path() + " is not a safe path inside the version";
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return f.path() + " is missing: the version is incomplete";
    }
    try {
      long size = Files.size(p);
      if (size != f.size()) {
        return f.path() + " has " + size + " bytes, its manifest entry " + f.size();
      }
      byte[] b = read(p, bound(f));
      if (b == null || !Hex.sha256(b).equalsIgnoreCase(f.sha256())) {
        return f.path() + " does not match its SHA-256 in the manifest";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return f.path() + " cannot be read (" + oneLine(e) + ")";
    }
  }

  /** Files in the folder that the manifest does not name (beside the manifest and signature). */
  private static List<String> unlisted(Path root, Set<String> listed) {
    List<String> out = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      var it = walk.iterator();
      int seen = 0;
      while (it.hasNext()) {
        Path p = it.next();
        if (++seen > Budget.MAX_FILES + 64) {
          out.add("the version folder holds more than " + Budget.MAX_FILES + " files");
          break;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (!listed.contains(rel)
            && !rel.equals("manifest.json")
            && !rel.equals("manifest.json.p7s")) {
          out.add(rel + " is in the version folder but not in its manifest");
        }
      }
    } catch (IOException | RuntimeException e) {
      out.add("the version folder cannot be listed (" + oneLine(e) + ")");
    }
    return out;
  }

  /** The version's files for the rules: read from disk one at a time, each checked again. */
  private static BundleCheck.Contents contents(Path root, Map<String, Manifest.FileInfo> listed) {
    Set<String> paths = new LinkedHashSet<>(listed.keySet());
    paths.add("manifest.json");
    paths.add("manifest.json.p7s");
    return new BundleCheck.Contents() {
      @Override
      public Set<String> paths() {
        return paths;
      }

      @Override
      public byte[] read(String path) {
        Manifest.FileInfo f = listed.get(path);
        long bound = f != null ? bound(f) : Budget.MAX_MANIFEST;
        Path p = paths.contains(path) ? resolve(root, path) : null;
        try {
          byte[] b = p == null ? null : VersionCheck.read(p, bound);
          if (b != null && f != null && !Hex.sha256(b).equalsIgnoreCase(f.sha256())) {
            return null;
          }
          return b;
        } catch (IOException e) {
          return null;
        }
      }
    };
  }

  private static long bound(Manifest.FileInfo f) {
    return FileRole.of(f.role()).map(Budget::forRole).orElse(Budget.MAX_LIST);
  }

  /** A path inside the version, or null when the manifest's path would leave it. */
  static Path resolve(Path root, String path) {
    if (path.isEmpty()
        || path.startsWith("/")
        || path.contains("\\")
        || path.contains("\0")
        || path.contains(":")) {
      return null;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return null;
      }
    }
    Path p = root.resolve(path).normalize();
    return p.startsWith(root.normalize()) ? p : null;
  }

  /** The file's bytes, at most {@code bound}, or null when it is absent or not a regular file. */
  static byte[] read(Path p, long bound) throws IOException {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, bound + 1));
      if (b.length > bound) {
        throw new IOException("over its size budget of " + Budget.human(bound));
      }
      return b;
    }
  }

  private static String oneLine(Throwable e) {
    return dev.trustbundle.error.Messages.plain(e);
  }
}
