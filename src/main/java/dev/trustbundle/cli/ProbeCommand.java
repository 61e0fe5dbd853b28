package dev.trustbundle.cli;

import dev.trustbundle.client.Probe;
import dev.trustbundle.client.ProbeOptions;
import dev.trustbundle.client.ProbeOutput;
import dev.trustbundle.client.ProbeReport;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle probe}: check a mirror the way a Windows client uses it. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Acts as a Windows client against a mirror (trustbundle serve, IIS, nginx, a file share, or"
          + " Microsoft's own folder) and reports every deviation from what clients need.",
      "Fetches authrootstl.cab, disallowedcertstl.cab and pinrulesstl.cab with random query"
          + " strings and the User-Agent Microsoft-CryptoAPI/10.0, repeats with If-None-Match and"
          + " If-Modified-Since (304 expected), verifies each list against the pinned Microsoft"
          + " roots, compares authrootseq.txt with the authroot sequence number, fetches a sample"
          + " of the listed <SHA1>.crt roots in upper and lower case and checks each against its"
          + " entry, and checks content types, caching headers and a doubled slash.",
      "URL is the clients' RootDirUrl: http://, https:// or file:///folder (a file share export;"
          + " the HTTP checks are then skipped)."
    },
    footer = {
      "",
      "Here 1 means at least one check failed, and 4 that the mirror could not be reached at all."
    })
final class ProbeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "The mirror's folder URL.")
  String url;

  @Option(names = "--all", description = "Fetch every listed root instead of a sample.")
  boolean all;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many listed roots to fetch (default: ${DEFAULT-VALUE}; 0 for none).")
  int sample;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Pick the sample with this seed (default: random, printed in the summary).")
  Long seed;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Longest time one request may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "8",
      description = "Most root requests in flight (default: ${DEFAULT-VALUE}, at most 64).")
  int concurrency;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description =
          "Evaluate the lists as of this time instead of now (2026-11-23 or"
              + " 2026-11-23T08:00:00Z).")
  String at;

  @Option(
      names = "--roots",
      paramLabel = "DIR",
      description =
          "Folder of <SHA1>.crt files to take the pinned Microsoft roots from (default: the"
              + " mirror itself; either way they must match the pins).")
  Path roots;

  @Option(names = "--json", description = "Print one JSON object with every check.")
  boolean json;

  @Override
  public Integer call() {
    if (all && spec.commandLine().getParseResult().hasMatchedOption("--sample")) {
      throw new UsageException("--all and --sample exclude each other; give one");
    }
    if (sample < 0 || sample > ProbeOptions.MAX_ROOTS) {
      throw new UsageException("--sample must be 0 to " + ProbeOptions.MAX_ROOTS);
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 600) {
      throw new UsageException("--timeout must be 1 to 600 seconds");
    }
    if (concurrency < 1 || concurrency > ProbeOptions.MAX_CONCURRENCY) {
      throw new UsageException("--concurrency must be 1 to " + ProbeOptions.MAX_CONCURRENCY);
    }
    if (roots != null && !Files.isDirectory(roots)) {
      throw new UsageException("--roots " + roots + " is not a folder");
    }
    URI base = ProbeOptions.base(url);
    Instant now = Inputs.now(at);
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
    Optional<AnchorSource> anchorRoots =
        Optional.ofNullable(roots).map(r -> new DirectoryRoots(r.toAbsolutePath().normalize()));
    ProbeOptions options =
        new ProbeOptions(
            base,
            Duration.ofSeconds(timeoutSeconds),
            concurrency,
            sample,
            all,
            s,
            now,
            TrustAnchors.microsoft(),
            VerifyOptions.DEFAULT,
            anchorRoots);
    ProbeReport report = Probe.run(options);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ProbeOutput.json(report));
    } else {
      out.print(ProbeOutput.text(report));
    }
    out.flush();
    return report.failed() ? ExitCodes.INVALID : ExitCodes.OK;
  }
}
