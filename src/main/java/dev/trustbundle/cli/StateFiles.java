package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleContents;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reading the files of a state folder's active version, checked against its manifest. */
final class StateFiles {
  private StateFiles() {}

  /** The active version and its files by path. */
  record Active(StateStore.Active active, SortedMap<String, byte[]> files) {}

  /**
   * Reads the active version. Import verified it; its files are checked again against the
   * manifest's sizes and SHA-256, so that a version damaged on disk is not trusted.
   */
  static Active read(Path state) {
    if (!Files.isDirectory(state)) {
      throw new UsageException("--state " + state + " is not a folder");
    }
    StateStore.Active a =
        new StateStore(state)
            .active()
            .orElseThrow(
                () -> new UsageException(state + " has no active bundle; import one first"));
    SortedMap<String, byte[]> files = new TreeMap<>();
    Path root = a.path().toAbsolutePath().normalize();
    for (var f : a.manifest().files()) {
      Path p = root.resolve(f.path()).normalize();
      if (!p.startsWith(root) || !Files.isRegularFile(p)) {
        continue;
      }
      files.put(f.path(), Inputs.read(p));
    }
    List<String> problems = BundleContents.problems(a.manifest(), files);
    if (!problems.isEmpty()) {
      throw new VerificationException(
          "the active version "
              + a.id()
              + " in "
              + state
              + " does not match its manifest: "
              + problems.get(0)
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
              + "; import the bundle again or roll back");
    }
    return new Active(a, files);
  }
}
