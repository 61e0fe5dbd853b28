package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleContents;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.report.Endpoints;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbundle endpoints}: the CRL, OCSP and CA-issuers hosts certificates reference. */
@Command(
    name = "endpoints",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Lists every CRL distribution point, OCSP responder and CA-issuers URL the certificates"
          + " reference, de-duplicated and grouped by host, with the certificates behind each: the"
          + " allow-list a partly connected network needs for revocation checks. For a bundle:"
          + " its roots, intermediates and the CRL URLs of its manifest (the files are checked"
          + " against the manifest; use verify for the signature)."
    },
    footer = {
      "",
      "Exits 3 when a certificate or one of its extensions cannot be read (the rest is still"
          + " listed, and the problem reported)."
    })
final class EndpointsCommand implements Callable<Integer> {
  /** Formats. */
  enum Format {
    text,
    json,
    csv
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "BUNDLE|CERT",
      arity = "1..*",
      description = "Bundles (.tar.gz) and certificate files (DER or PEM).")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default), json or csv (RFC 4180, with a header row).")
  Format format;

  @Override
  public Integer call() {
    List<Endpoints.Subject> subjects = new ArrayList<>();
    List<Endpoints.Reference> refs = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path p : files) {
      if (gzip(p)) {
        bundle(p, subjects, refs);
        continue;
      }
      byte[] data = Inputs.read(p);
      try {
        List<byte[]> ders = Certificates.split(data, p.toString());
        for (int i = 0; i < ders.size(); i++) {
          String what = ders.size() == 1 ? p.toString() : p + " #" + (i + 1);
          try {
            X509Certificate c = Certificates.parse(ders.get(i), what);
            subjects.add(Endpoints.Subject.of(c, Hex.sha1(ders.get(i))));
          } catch (MalformedInputException e) {
            unreadable.add(e.getMessage());
          }
        }
      } catch (MalformedInputException e) {
        unreadable.add(e.getMessage());
      }
    }
    Endpoints.Result r = Endpoints.collect(subjects, refs);
    List<String> problems = new ArrayList<>(unreadable);
    problems.addAll(r.problems());
    r = new Endpoints.Result(r.certificates(), r.hosts(), r.withoutHost(), problems);
    String what = files.size() == 1 ? files.get(0).toString() : files.size() + " files";
    PrintWriter w = spec.commandLine().getOut();
    switch (format) {
      case text -> w.print(Endpoints.text(what, r));
      case json -> w.print(Endpoints.json(what, r) + "\n");
      case csv -> {
        w.print(Endpoints.csv(r));
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(x -> err.println("trustbundle: " + Main.oneLine(x)));
        err.flush();
      }
    }
    w.flush();
    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.MALFORMED;
  }

  /** Whether the file starts with the gzip magic (a bundle); bundles may exceed Inputs' limit. */
  private static boolean gzip(Path p) {
    if (!java.nio.file.Files.isRegularFile(p)) {
      return false; // Inputs.read says what is wrong with it
    }
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
      byte[] head = in.readNBytes(2);
      return head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
    } catch (java.io.IOException e) {
      throw new dev.trustbundle.error.UsageException(
          p + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** A bundle's roots, intermediates and CRL URLs, its files checked against its manifest. */
  private static void bundle(
      Path p, List<Endpoints.Subject> subjects, List<Endpoints.Reference> refs) {
    Map<String, byte[]> files = BundleFiles.read(p);
    Manifest m = Json.read(BundleContents.signedManifest(files).manifest());
    List<String> problems = BundleContents.problems(m, files);
    if (!problems.isEmpty()) {
      throw new VerificationException(
          p
              + " does not match its manifest: "
              + problems.get(0)
              + "; it was altered or damaged, copy it again");
    }
    for (Manifest.FileInfo f : m.files()) {
      switch (f.role()) {
        case "root", "extra-root", "intermediate" -> {
          byte[] der = files.get(f.path());
          subjects.add(
              Endpoints.Subject.of(Certificates.parse(der, p + ":" + f.path()), Hex.sha1(der)));
        }
        case "crl" -> {
          if (f.sourceUrl() != null) {
            refs.add(
                new Endpoints.Reference(
                    f.sourceUrl(), Endpoints.Kind.CRL, "bundle CRL " + f.path(), f.path()));
          }
        }
        default -> {
          // lists, stores and removed roots reference no revocation endpoint a client needs
        }
      }
    }
  }
}
