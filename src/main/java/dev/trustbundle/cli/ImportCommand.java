package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.store.StateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle import}: verify and activate a bundle in a state folder. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Verifies a bundle as 'verify' does, refuses rollbacks (a lower bundle sequence or an older"
          + " list), extracts it durably under STATE/versions/<id>/ and activates it atomically."
          + " The rollback guard (STATE/state.json) is raised before the version is activated, so"
          + " a crash at any point leaves the previous version active or the new one active with"
          + " the guard raised. Every import, rollback and refusal is recorded in"
          + " STATE/history.jsonl. A damaged state.json or active.json is refused (exit 3) with"
          + " what to do."
    })
final class ImportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle (.tar.gz).")
  Path bundle;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder.")
  Path state;

  @picocli.CommandLine.Mixin TrustOptions trust;

  @Option(
      names = "--allow-downgrade",
      description = "Accept a lower bundle or list sequence: a deliberate, logged rollback.")
  boolean allowDowngrade;

  @Option(
      names = "--keep",
      paramLabel = "N",
      defaultValue = "5",
      description = "Versions to keep (default: ${DEFAULT-VALUE}).")
  int keep;

  @Override
  public Integer call() {
    if (keep < 1 || keep > 1000) {
      throw new UsageException("--keep must be 1 to 1000");
    }
    Instant now = trust.now();
    StateStore store = new StateStore(state);
    // A damaged state folder is refused before any work, and is not the bundle's refusal.
    store.checkState();
    BundleVerifier verifier = BundleFiles.verifier(trust.trust);
    SortedMap<String, byte[]> files;
    BundleVerifier.Verified v;
    try {
      files = BundleFiles.read(bundle);
      v = verifier.verify(files, now, trust.allowExpired);
    } catch (VerificationException | dev.trustbundle.error.MalformedInputException e) {
      // Every refused bundle is recorded, whatever made it unacceptable.
      store.recordRefusal(bundle.toString(), e.getMessage());
      throw e;
    }
    StateStore.Imported imported = store.importBundle(files, v, allowDowngrade, keep, now);
    VerifyCommand.print(
        spec.commandLine().getOut(),
        bundle.toString(),
        v,
        trust.json,
        v.manifest().bundleId()
            + (imported.downgrade() ? " (a deliberate downgrade, logged)" : "")
            + (imported.pruned() > 0 ? "; " + imported.pruned() + " old version(s) removed" : ""));
    return ExitCodes.OK;
  }
}
