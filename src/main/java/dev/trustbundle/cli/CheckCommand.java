package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.EkuNames;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.report.BundleTrust;
import dev.trustbundle.report.CheckReport;
import dev.trustbundle.report.Expiring;
import dev.trustbundle.verify.ChainBuilder;
import dev.trustbundle.verify.ChainCandidate;
import dev.trustbundle.verify.ChainResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle check}: would this chain build in the disconnected network? */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Builds the chain of the certificates given (the first is the leaf; a PEM file may hold the"
          + " whole chain a server presents) with only what a bundle carries: the roots its"
          + " authroot list names and the profile's roots and intermediates. Prints the chain, or"
          + " what is missing, where to download it and what to add to the profile; checks the"
          + " root's attributes in Microsoft's list for the EKU, Microsoft's disallowed list, and"
          + " every expiry.",
      "With --expiring: every root, intermediate and CRL of the bundle by time left."
    },
    footer = {
      "",
      "Exits 0 when the chain builds and nothing expires within --warn-days, 1 when it does not"
          + " build or a certificate is expired, disallowed or not trusted for the EKU, 5 when it"
          + " builds but something expires within the window. With --expiring, only the profile's"
          + " roots, intermediates and CRLs count: 1 expired, 5 expiring."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "CERT",
      arity = "0..*",
      description = "Certificate files (DER or PEM); the first certificate is the leaf.")
  List<Path> certs = new ArrayList<>();

  @Option(
      names = "--bundle",
      paramLabel = "FILE",
      description = "A bundle (.tar.gz), verified first as verify does (needs --trust).")
  Path bundle;

  @Option(
      names = "--trust",
      paramLabel = "FILE",
      description = "With --bundle: the publisher certificate, or a CA certificate that issued it.")
  Path trust;

  @Option(
      names = "--allow-expired",
      description = "With --bundle: accept an expired bundle, with a warning.")
  boolean allowExpired;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "A state folder: use its active (imported) version.")
  Path state;

  @Option(names = "--at", paramLabel = "TIME", description = "Evaluate as of this time.")
  String at;

  @Option(
      names = "--warn-days",
      paramLabel = "DAYS",
      defaultValue = "30",
      description = "Warn about what expires within this many days (default: ${DEFAULT-VALUE}).")
  int warnDays;

  @Option(
      names = "--eku",
      paramLabel = "OID|NAME",
      defaultValue = "serverAuth",
      description =
          "The extended key usage the chain is for: serverAuth (default), clientAuth,"
              + " codeSigning, emailProtection, timeStamping, ... or an OID.")
  String eku;

  @Option(
      names = "--expiring",
      description = "List the bundle's roots, intermediates and CRLs by time left.")
  boolean expiring;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    if ((bundle == null) == (state == null)) {
      throw new UsageException(
          "give the trust material: --bundle FILE --trust FILE, or --state DIR");
    }
    if (bundle != null && trust == null) {
      throw new UsageException(
          "--bundle needs --trust publisher.crt: the bundle is verified before it is used");
    }
    if (state != null && (trust != null || allowExpired)) {
      throw new UsageException(
          "--trust and --allow-expired go with --bundle; a state folder was verified on import");
    }
    if (expiring != certs.isEmpty()) {
      throw new UsageException(
          expiring
              ? "--expiring lists the bundle's contents; give no certificates with it"
              : "name the certificate file(s) to check, or use --expiring");
    }
    if (warnDays < 0 || warnDays > 3650) {
      throw new UsageException("--warn-days " + warnDays + " is out of range (0 to 3650)");
    }
    String ekuOid =
        EkuNames.oid(eku)
            .orElseThrow(
                () ->
                    new UsageException(
                        "--eku "
                            + eku
                            + " is neither an OID nor a known name ("
                            + String.join(", ", EkuNames.known())
                            + ")"));
    Instant now = Inputs.now(at).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Duration window = Duration.ofDays(warnDays);
    List<ChainCandidate> given = expiring ? List.of() : readCertificates();

    CheckReport.Trust source;
    BundleTrust material;
    if (bundle != null) {
      SortedMap<String, byte[]> files = BundleFiles.read(bundle);
      BundleVerifier.Verified v = BundleFiles.verifier(trust).verify(files, now, allowExpired);
      material = BundleTrust.of(v.manifest(), files);
      source =
          trust("bundle", bundle, v.manifest(), Optional.of(v.signer()), v.warnings(), material);
    } else {
      StateFiles.Active a = StateFiles.read(state);
      material = BundleTrust.of(a.active().manifest(), a.files());
      List<String> warnings = new ArrayList<>();
      if (Instant.parse(a.active().manifest().expires()).isBefore(now)) {
        warnings.add("the active bundle expired on " + a.active().manifest().expires());
      }
      source = trust("state", state, a.active().manifest(), Optional.empty(), warnings, material);
    }

    PrintWriter w = spec.commandLine().getOut();
    ChainResult.Verdict verdict;
    if (expiring) {
      List<Expiring.Item> items = Expiring.of(material);
      String what = source.kind() + " " + source.path();
      verdict = Expiring.verdict(items, now, window);
      w.print(
          json
              ? Expiring.json(what, items, now, window) + "\n"
              : Expiring.text(what, items, now, window));
    } else {
      ChainResult r =
          ChainBuilder.build(
              given, material.material(), new ChainBuilder.Options(ekuOid, now, window));
      verdict = r.verdict();
      w.print(json ? CheckReport.json(r, source) + "\n" : CheckReport.text(r, source));
    }
    w.flush();
    return switch (verdict) {
      case OK -> ExitCodes.OK;
      case EXPIRING -> ExitCodes.EXPIRING;
      case FAIL -> ExitCodes.INVALID;
    };
  }

  private static CheckReport.Trust trust(
      String kind,
      Path path,
      Manifest m,
      Optional<String> signer,
      List<String> warnings,
      BundleTrust material) {
    return new CheckReport.Trust(
        kind, path.toString(), m, signer, warnings, material.notes(), material.crls());
  }

  private List<ChainCandidate> readCertificates() {
    List<ChainCandidate> out = new ArrayList<>();
    for (Path p : certs) {
      byte[] data = Inputs.read(p);
      List<byte[]> ders = Certificates.split(data, p.toString());
      for (int i = 0; i < ders.size(); i++) {
        String origin = ders.size() == 1 ? p.toString() : p + " #" + (i + 1);
        X509Certificate c = Certificates.parse(ders.get(i), origin);
        out.add(
            ChainCandidate.of(
                c, ders.get(i), ChainCandidate.Source.GIVEN, origin, Optional.empty()));
      }
    }
    return out;
  }
}
