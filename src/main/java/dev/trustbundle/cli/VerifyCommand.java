package dev.trustbundle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.BundleVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle verify}: check a bundle carried to the disconnected side. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Verifies a bundle before import: the archive read defensively, the manifest signature"
          + " against the trusted publisher, every file's size and SHA-256, every list against"
          + " Microsoft's pinned roots, every root against its list, and the expiry. Prints"
          + " evidence an auditor can keep."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle (.tar.gz).")
  Path bundle;

  @picocli.CommandLine.Mixin TrustOptions trust;

  @Override
  public Integer call() {
    Instant now = trust.now();
    BundleVerifier verifier = BundleFiles.verifier(trust.trust);
    BundleVerifier.Verified v = verifier.verify(BundleFiles.read(bundle), now, trust.allowExpired);
    print(spec.commandLine().getOut(), bundle.toString(), v, trust.json, null);
    return ExitCodes.OK;
  }

  /** Evidence, as text or JSON; {@code activated} is set by import. */
  static void print(
      PrintWriter w, String file, BundleVerifier.Verified v, boolean json, String activated) {
    var m = v.manifest();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode o = mapper.createObjectNode();
      o.put("file", file);
      o.put("verified", true);
      o.put("bundleId", m.bundleId());
      o.put("sequence", m.sequence());
      o.put("created", m.created());
      o.put("expires", m.expires());
      o.put("signer", v.signer());
      o.put("filesVerified", v.filesVerified());
      o.set("lists", mapper.valueToTree(v.lists()));
      o.set("warnings", mapper.valueToTree(v.warnings()));
      o.set("notes", mapper.valueToTree(m.warnings()));
      if (activated != null) {
        o.put("activated", m.bundleId());
      }
      w.println(o);
    } else {
      w.println(file + ": VERIFIED");
      w.printf("  %-12s %s%n", "signer", v.signer());
      w.printf("  %-12s %s, sequence %d%n", "bundle", m.bundleId(), m.sequence());
      w.printf("  %-12s %s, expires %s%n", "created", m.created(), m.expires());
      v.lists().forEach(l -> w.printf("  %-12s %s%n", "list", l));
      w.printf("  %-12s %d files verified%n", "files", v.filesVerified());
      v.warnings().forEach(x -> w.printf("  %-12s %s%n", "warning", Main.oneLine(x)));
      m.warnings().forEach(x -> w.printf("  %-12s %s%n", "note", Main.oneLine(x)));
      if (activated != null) {
        w.printf("  %-12s %s%n", "activated", activated);
      }
    }
    w.flush();
  }
}
