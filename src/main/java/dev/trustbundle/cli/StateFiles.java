package dev.trustbundle.cli;

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
   * Reads the active version. Import verified it; it is verified again as it is on disk (every file
   * against the manifest, and the bundle rules), so that a version damaged on disk is not trusted,
   * and the bytes read are checked once more against the manifest.
   */
  static Active read(Path state) {
    if (!Files.isDirectory(state)) {
      throw new UsageException("--state " + state + " is not a folder");
    }
    StateStore store = StateStore.existing(state);
    store.checkState();
    StateStore.Active a =
        store
            .active()
            .orElseThrow(
                () -> new UsageException(state + " has no active bundle; import one first"));
    List<String> failed = store.verifyVersion(a.id());
    if (!failed.isEmpty()) {
      store.recordVersionFailure(a.id(), failed.get(0));
      throw new VerificationException(
          "the active version "
              + a.id()
              + " in "
              + state
              + " does not match its manifest or the bundle rules: "
              + StateStore.summary(failed)
              + "; import the bundle again or roll back");
    }
    SortedMap<String, byte[]> files = new TreeMap<>();
    Path root = a.path().toAbsolutePath().normalize();
    for (var f : a.manifest().files()) {
      Path p = root.resolve(f.path()).normalize();
      if (!p.startsWith(root) || !Files.isRegularFile(p)) {
        continue;
      }
      files.put(f.path(), Inputs.read(p));
    }
    List<String> problems = dev.trustbundle.bundle.BundleContents.problems(a.manifest(), files);
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
