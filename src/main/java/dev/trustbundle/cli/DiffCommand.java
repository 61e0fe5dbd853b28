package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.report.DiffOutput;
import dev.trustbundle.report.DiffReport;
import dev.trustbundle.report.Differ;
import dev.trustbundle.report.InputFile;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle diff}: what changed between two versions of Microsoft's lists. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Shows what changed between two versions of Microsoft's lists: roots added and removed (by"
          + " name), attribute changes in words (EKUs, disable and NotBefore dates, EV policies,"
          + " names), disallowed entries added and removed, and both sequence numbers and dates.",
      "OLD and NEW are each a list (.cab, .stl) or a TrustBundle bundle (.tar.gz; every list it"
          + " carries is compared). Both are verified as inspect verifies them; a side that does"
          + " not verify is still compared, marked as such, with a warning on stderr."
    })
final class DiffCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The older list or bundle.")
  Path before;

  @Parameters(index = "1", paramLabel = "NEW", description = "The newer list or bundle.")
  Path after;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write the diff as a self-contained HTML page to FILE.")
  Path html;

  @Option(
      names = "--roots",
      paramLabel = "DIR",
      description =
          "Folder of <SHA1>.crt root certificates for verifying .cab/.stl lists (and naming entries"
              + " without a friendly name); default: each file's own folder.")
  Path roots;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description = "Verify as of this time instead of now (2026-11-23 or 2026-11-23T08:00:00Z).")
  String at;

  @Override
  public Integer call() {
    Instant now = Inputs.now(at);
    if (roots != null && !Files.isDirectory(roots)) {
      throw new UsageException("--roots " + roots + " is not a folder");
    }
    if (html != null) {
      Outputs.requireFileTarget(html, "--html");
    }
    InputFile old = input(before);
    InputFile neu = input(after);
    Differ differ =
        new Differ(TrustAnchors.microsoft(), VerifyOptions.DEFAULT, now, this::rootsFor);
    DiffReport r = differ.diff(old, neu);
    PrintWriter err = spec.commandLine().getErr();
    warn(err, "OLD", r.before());
    warn(err, "NEW", r.after());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(DiffOutput.json(r));
    } else {
      out.print(DiffOutput.text(r));
    }
    out.flush();
    if (html != null) {
      byte[] page = DiffOutput.html(r).getBytes(StandardCharsets.UTF_8);
      Outputs.atomicWrite(html, o -> o.write(page), false);
    }
    return ExitCodes.OK;
  }

  private static void warn(PrintWriter err, String role, dev.trustbundle.report.FileReport f) {
    if (f.status() != dev.trustbundle.report.FileReport.Status.VALID) {
      var problems = DiffReport.problems(f);
      err.println(
          "trustbundle: warning: "
              + role
              + " "
              + Main.oneLine(f.file())
              + " does not verify"
              + (problems.isEmpty() ? "" : ": " + Main.oneLine(problems.get(0)))
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
              + "; it is compared all the same");
      err.flush();
    }
  }

  private static InputFile input(Path p) {
    return new InputFile(p.toString(), p.getFileName().toString(), Inputs.read(p));
  }

  private AnchorSource rootsFor(InputFile in) {
    if (roots != null) {
      return new DirectoryRoots(roots.normalize());
    }
    Path parent = Path.of(in.path()).toAbsolutePath().normalize().getParent();
    return parent == null ? AnchorSource.none() : new DirectoryRoots(parent);
  }
}
