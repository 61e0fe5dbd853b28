package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.report.BuildReportHtml;
import dev.trustbundle.report.FileReport;
import dev.trustbundle.report.InputFile;
import dev.trustbundle.report.Inspector;
import dev.trustbundle.report.JsonReport;
import dev.trustbundle.report.TextReport;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.Pin;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle inspect}: parse and verify trust lists, stores and certificates. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Parses and verifies Microsoft trust lists (.cab, .stl), serialized stores (.sst),"
          + " certificates (.crt, .cer, .pem), CRLs (.crl) and TrustBundle bundles (.tar.gz).",
      "A list's signature is checked over the exact bytes, its signer chain is built to a pinned"
          + " Microsoft root and validated at the list's thisUpdate; every <SHA1>.crt in the"
          + " roots folder is checked against its authroot entry; certificates named on the same"
          + " command line as a valid authroot list are checked against it; a CRL's signature"
          + " is checked with the certificate of its issuer named on the same command line; a"
          + " bundle's manifest signature, every file against the manifest and the bundle rules"
          + " (every problem listed), and its expiry."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to inspect.")
  List<Path> files = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object per file, one per line.")
  boolean json;

  @Option(
      names = "--roots",
      paramLabel = "DIR",
      description =
          "Folder of <SHA1>.crt root certificates (a certutil -syncWithWU folder); default: each"
              + " file's own folder.")
  Path roots;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description =
          "Evaluate as of this time instead of now (2026-11-23 or 2026-11-23T08:00:00Z), for"
              + " reproducible checks.")
  String at;

  @Option(
      names = "--trust-anchor",
      paramLabel = "FILE",
      description =
          "Also accept list signer chains that end at this root certificate (PEM or DER);"
              + " repeatable.")
  List<Path> trustAnchors = new ArrayList<>();

  @Option(
      names = "--no-default-pins",
      description = "Trust only the --trust-anchor roots, not the built-in Microsoft root pins.")
  boolean noDefaultPins;

  @Option(
      names = "--max-age",
      paramLabel = "DAYS",
      defaultValue = "365",
      description = "Warn when a list's thisUpdate is older than this (default: ${DEFAULT-VALUE}).")
  int maxAgeDays;

  @Option(names = "--reject-sha1", description = "Treat SHA-1 signed (pre-2020) lists as invalid.")
  boolean rejectSha1;

  @Option(
      names = "--summary",
      description = "Omit the table of entries (and the entries array with --json).")
  boolean summary;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write a bundle's report (lists, files by role, extras, CRLs, removed roots,"
              + " warnings) as a self-contained HTML page; needs exactly one FILE, a bundle.")
  Path html;

  @Override
  public Integer call() {
    Instant now = Inputs.now(at);
    if (maxAgeDays < 0) {
      throw new UsageException("--max-age must not be negative");
    }
    if (noDefaultPins && trustAnchors.isEmpty()) {
      throw new UsageException("--no-default-pins needs at least one --trust-anchor FILE");
    }
    if (roots != null && !Files.isDirectory(roots)) {
      throw new UsageException("--roots " + roots + " is not a folder");
    }
    if (html != null) {
      if (files.size() != 1) {
        throw new UsageException("--html renders one bundle's report; give exactly one FILE");
      }
      Outputs.requireFileTarget(html, "--html");
    }
    TrustAnchors anchors = anchors();
    // A file that cannot be read is reported in its place; the others are still inspected.
    List<InputFile> inputs = new ArrayList<>();
    Map<Integer, FileReport> unreadable = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      try {
        inputs.add(new InputFile(f.toString(), f.getFileName().toString(), Inputs.read(f)));
      } catch (TrustBundleException e) {
        unreadable.put(
            i,
            FileReport.failed(
                f.toString(),
                FileReport.Format.UNKNOWN,
                e instanceof UsageException
                    ? FileReport.Status.UNREADABLE
                    : FileReport.Status.MALFORMED,
                e));
      }
    }
    VerifyOptions options =
        new VerifyOptions(
            Duration.ofDays(maxAgeDays), VerifyOptions.DEFAULT.futureSkew(), !rejectSha1);
    Inspector inspector = new Inspector(anchors, options, now, this::rootsFor);
    List<FileReport> inspected = inspector.inspect(inputs);
    List<FileReport> reports = new ArrayList<>();
    for (int i = 0, next = 0; i < files.size(); i++) {
      reports.add(unreadable.containsKey(i) ? unreadable.get(i) : inspected.get(next++));
    }
    if (html != null
        && reports.get(0).format() != FileReport.Format.BUNDLE
        && reports.get(0).error().isEmpty()) {
      throw new UsageException(
          "--html renders a bundle's report, and "
              + files.get(0)
              + " is "
              + dev.trustbundle.report.Differ.article(String.valueOf(reports.get(0).kind()))
              + " file; give a bundle (.tar.gz)");
    }
    PrintWriter out = spec.commandLine().getOut();
    int code = ExitCodes.OK;
    for (FileReport r : reports) {
      if (verbose() && r.cause().isPresent()) {
        r.cause().get().printStackTrace(spec.commandLine().getErr());
      }
      if (json) {
        out.println(JsonReport.render(r, !summary));
      } else {
        out.print(TextReport.render(r, !summary));
        if (reports.size() > 1) {
          out.println();
        }
      }
      code = Math.max(code, ExitCodes.of(r.status()));
    }
    out.flush();
    if (html != null) {
      writeHtml(reports.get(0), inputs.isEmpty() ? null : inputs.get(0), now);
    }
    return code;
  }

  /** The bundle's report page; a bundle that could not be read has none (its error is shown). */
  private void writeHtml(FileReport r, InputFile in, Instant now) {
    if (r.bundle().isEmpty() || in == null) {
      spec.commandLine()
          .getErr()
          .println(
              "trustbundle: no HTML report written: "
                  + Main.oneLine(r.file())
                  + " could not be read as a bundle");
      return;
    }
    SortedMap<String, byte[]> entries =
        BundleArchive.read(new ByteArrayInputStream(in.data()), BundleArchive.Limits.DEFAULT);
    byte[] page =
        BuildReportHtml.render(
                new BuildReportHtml.Input(
                    r.bundle().get().manifest(),
                    entries,
                    r.bundle(),
                    Optional.empty(),
                    List.of(),
                    now,
                    r.file()))
            .getBytes(StandardCharsets.UTF_8);
    Outputs.atomicWrite(html, o -> o.write(page), false);
  }

  private boolean verbose() {
    return ((Main) spec.root().userObject()).verbose;
  }

  private AnchorSource rootsFor(InputFile in) {
    if (roots != null) {
      return new DirectoryRoots(roots.normalize());
    }
    Path parent = Path.of(in.path()).toAbsolutePath().normalize().getParent();
    return parent == null ? AnchorSource.none() : new DirectoryRoots(parent);
  }

  private TrustAnchors anchors() {
    TrustAnchors base =
        noDefaultPins ? new TrustAnchors(List.<Pin>of(), List.of()) : TrustAnchors.microsoft();
    List<byte[]> ders = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path p : trustAnchors) {
      try {
        byte[] data;
        try {
          data = Inputs.read(p);
        } catch (TrustBundleException e) {
          throw new UsageException("--trust-anchor " + e.getMessage());
        }
        for (byte[] der : Certificates.split(data, p.toString())) {
          Certificates.parse(der, p.toString());
          ders.add(der);
          names.add("--trust-anchor " + p.getFileName());
        }
      } catch (CtlFormatException e) {
        throw new UsageException("--trust-anchor " + p + ": " + e.getMessage());
      }
    }
    return base.plus(ders, names);
  }
}
