package dev.trustbundle.cli;

import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The options verify and import share: who to trust, when, and how to print. */
final class TrustOptions {
  @Option(
      names = "--trust",
      required = true,
      paramLabel = "FILE",
      description =
          "The publisher certificate (publisher.crt), or a CA certificate that issued it for"
              + " TrustBundle bundle signing (extendedKeyUsage "
              + dev.trustbundle.bundle.PublisherTrust.BUNDLE_SIGNING_EKU
              + "). Either must be valid now and when the bundle was created.")
  Path trust;

  @Option(names = "--at", paramLabel = "TIME", description = "Evaluate as of this time.")
  String at;

  @Option(names = "--allow-expired", description = "Accept an expired bundle, with a warning.")
  boolean allowExpired;

  @Option(names = "--json", description = "Print the evidence as JSON.")
  boolean json;

  Instant now() {
    return Inputs.now(at);
  }
}
