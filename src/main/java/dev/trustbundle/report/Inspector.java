package dev.trustbundle.report;

import dev.trustbundle.cab.CabEntry;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.cab.Cabinet;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Der;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.Oids;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.ctl.SstElement;
import dev.trustbundle.ctl.SstReader;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.report.FileReport.CertificateReport;
import dev.trustbundle.report.FileReport.Format;
import dev.trustbundle.report.FileReport.RootsCheck;
import dev.trustbundle.report.FileReport.Status;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.RootCheck;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Inspects trust lists ({@code .cab}, {@code .stl}), serialized stores ({@code .sst}), certificates
 * and CRLs: parses, verifies and checks each against the others given with it. One bad file does
 * not stop the rest; each gets its own {@link FileReport}.
 */
public final class Inspector {
  private final TrustAnchors anchors;
  private final VerifyOptions options;
  private final Instant now;
  private final Function<InputFile, AnchorSource> rootsFor;

  /**
   * An inspector.
   *
   * @param anchors the roots list signers may chain to
   * @param options verification options
   * @param now the evaluation time
   * @param rootsFor where the {@code <SHA1>.crt} files for each input are found
   */
  public Inspector(
      TrustAnchors anchors,
      VerifyOptions options,
      Instant now,
      Function<InputFile, AnchorSource> rootsFor) {
    this.anchors = anchors;
    this.options = options;
    this.now = now;
    this.rootsFor = rootsFor;
  }

  /** Inspects every input; lists first, so that certificates can be checked against them. */
  public List<FileReport> inspect(List<InputFile> inputs) {
    FileReport[] out = new FileReport[inputs.size()];
    List<Ctl> validAuthroots = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      InputFile in = inputs.get(i);
      if (in.data().length == 0) {
        out[i] =
            FileReport.failed(
                in.path(),
                Format.UNKNOWN,
                Status.MALFORMED,
                new MalformedInputException("the file is empty; get it again from its source"));
        continue;
      }
      Format format = detect(in);
      if (format == Format.CAB || format == Format.STL) {
        FileReport r = inspectList(in, format);
        out[i] = r;
        if (r.verification().map(CtlVerification::valid).orElse(false)) {
          r.list()
              .map(SignedCtl::ctl)
              .filter(c -> c.kind().orElse(null) == CtlKind.AUTHROOT)
              .ifPresent(validAuthroots::add);
        }
      }
    }
    List<X509Certificate> given = null;
    for (int i = 0; i < inputs.size(); i++) {
      if (out[i] == null) {
        InputFile in = inputs.get(i);
        if (detect(in) == Format.CRL) {
          if (given == null) {
            given = certificatesIn(inputs);
          }
          out[i] = inspectCrl(in, given);
        } else {
          out[i] = inspectOther(in, validAuthroots);
        }
      }
    }
    return List.of(out);
  }

  static Format detect(InputFile in) {
    byte[] d = in.data();
    String name = in.fileName().toLowerCase(Locale.ROOT);
    if (d.length >= 4 && d[0] == 'M' && d[1] == 'S' && d[2] == 'C' && d[3] == 'F') {
      return Format.CAB;
    }
    if (SstReader.isSst(d)) {
      return Format.SST;
    }
    if (d.length >= 2 && (d[0] & 0xFF) == 0x1F && (d[1] & 0xFF) == 0x8B) {
      return Format.BUNDLE;
    }
    if (Certificates.isPemCrl(d)) {
      return Format.CRL;
    }
    if (Certificates.looksLikePem(d)) {
      return Format.CERTIFICATE;
    }
    if (name.endsWith(".stl")) {
      return Format.STL;
    }
    if (name.endsWith(".cab")) {
      return Format.CAB;
    }
    if (name.endsWith(".sst")) {
      return Format.SST;
    }
    if (name.endsWith(".crl")) {
      return Format.CRL;
    }
    if (name.matches(".*\\.(crt|cer|der|pem)$")) {
      return Format.CERTIFICATE;
    }
    // No telling name: a ContentInfo starts with the signedData OID, a certificate does not.
    try {
      Der.Tlv top = Der.read(d, 0, d.length, "file");
      List<Der.Tlv> c = top.children("file");
      if (!c.isEmpty() && c.get(0).tag() == Der.OID) {
        return c.get(0).oid("contentType").equals(Oids.SIGNED_DATA) ? Format.STL : Format.UNKNOWN;
      }
      return Format.CERTIFICATE;
    } catch (CtlFormatException e) {
      return Format.UNKNOWN;
    }
  }

  private FileReport inspectList(InputFile in, Format format) {
    byte[] stl = in.data();
    Optional<String> container = Optional.empty();
    SignedCtl list;
    try {
      if (format == Format.CAB) {
        Cabinet cab = CabReader.read(in.data());
        CabEntry member = cab.list();
        stl = member.data();
        container =
            Optional.of(
                member.name()
                    + ", "
                    + member.size()
                    + " bytes, "
                    + cab.compression().get(0).label());
      }
      list = CtlParser.parse(stl);
    } catch (MalformedInputException e) {
      return FileReport.failed(in.path(), format, Status.MALFORMED, e);
    }
    Optional<CtlKind> expected = CtlKind.fromFileName(in.fileName());
    if (container.isPresent() && expected.isEmpty()) {
      expected = CtlKind.fromFileName(container.get());
    }
    AnchorSource roots = rootsFor.apply(in);
    CtlVerification v = new CtlVerifier(anchors, roots, options).verify(list, expected, now);
    Optional<RootsCheck> rootsCheck = Optional.empty();
    if (list.ctl().kind().orElse(null) == CtlKind.AUTHROOT) {
      rootsCheck = Optional.of(checkRoots(list.ctl(), roots));
    }
    boolean ok = v.valid() && rootsCheck.map(r -> r.mismatches().isEmpty()).orElse(true);
    return new FileReport(
        in.path(),
        format,
        container,
        Optional.of(list),
        Optional.of(v),
        rootsCheck,
        List.of(),
        Optional.empty(),
        ok ? Status.VALID : Status.INVALID,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static RootsCheck checkRoots(Ctl ctl, AnchorSource roots) {
    int present = 0;
    List<String> missing = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    for (CtlEntry e : ctl.entries()) {
      Optional<byte[]> der = roots.certificate(e.identifierHex());
      if (der.isEmpty()) {
        missing.add(e.identifierHex() + ".crt");
        continue;
      }
      List<String> problems =
          RootCheck.check(Optional.of(e.identifierHex() + ".crt"), der.get(), ctl);
      if (problems.isEmpty()) {
        present++;
      } else {
        mismatches.add(e.identifierHex() + ".crt: " + String.join("; ", problems));
      }
    }
    return new RootsCheck(roots.describe(), present, missing, mismatches);
  }

  private FileReport inspectOther(InputFile in, List<Ctl> authroots) {
    Format format = detect(in);
    try {
      return switch (format) {
        case SST -> inspectSst(in);
        case BUNDLE -> inspectBundle(in);
        case CERTIFICATE -> inspectCertificates(in, authroots);
        default ->
            FileReport.failed(
                in.path(),
                format,
                Status.MALFORMED,
                new MalformedInputException(
                    in.data().length == 0
                        ? "the file is empty"
                        : "not a cabinet, trust list, serialized store or certificate; inspect"
                            + " takes .cab, .stl, .sst, .crt, .cer, .pem and .crl files"));
      };
    } catch (MalformedInputException e) {
      return FileReport.failed(in.path(), format, Status.MALFORMED, e);
    }
  }

  /** The certificates of the certificate and store files among the inputs; bad ones skipped. */
  private static List<X509Certificate> certificatesIn(List<InputFile> inputs) {
    List<X509Certificate> out = new ArrayList<>();
    for (InputFile in : inputs) {
      try {
        Format f = in.data().length == 0 ? Format.UNKNOWN : detect(in);
        if (f == Format.CERTIFICATE) {
          for (byte[] der : Certificates.split(in.data(), in.fileName())) {
            try {
              out.add(Certificates.parse(der, in.fileName()));
            } catch (CtlFormatException e) {
              // reported on its own file
            }
          }
        } else if (f == Format.SST) {
          SstReader.read(in.data()).forEach(e -> e.certificate().ifPresent(out::add));
        }
      } catch (CtlFormatException e) {
        // reported on its own file
      }
    }
    return out;
  }

  /**
   * A CRL: parsed, its signature checked with the key of a certificate of its issuer named on the
   * same command line, and its dates at the evaluation time (not issued in the future beyond the
   * allowed clock skew, its nextUpdate not passed).
   */
  private FileReport inspectCrl(InputFile in, List<X509Certificate> given) {
    java.security.cert.X509CRL crl;
    try {
      crl = Certificates.parseCrl(Certificates.crlDer(in.data(), in.fileName()), in.fileName());
    } catch (MalformedInputException e) {
      return FileReport.failed(in.path(), Format.CRL, Status.MALFORMED, e);
    }
    javax.security.auth.x500.X500Principal issuer = crl.getIssuerX500Principal();
    String issuerName = issuer.getName(javax.security.auth.x500.X500Principal.RFC2253);
    List<String> problems = new ArrayList<>();
    Optional<String> signer = Optional.empty();
    boolean sameName = false;
    for (X509Certificate c : given) {
      if (c.getSubjectX500Principal().equals(issuer)) {
        sameName = true;
        try {
          crl.verify(c.getPublicKey());
          signer = Optional.of(c.getSubjectX500Principal().getName());
          break;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
          // another key of the same name: try the next one
        }
      }
    }
    if (signer.isEmpty()) {
      problems.add(
          sameName
              ? "the signature does not verify with the key of any certificate of its issuer "
                  + issuerName
                  + " given; the CRL was altered or is from another issuer key"
              : "no certificate of its issuer "
                  + issuerName
                  + " was given; name the issuer's certificate on the command line too");
    }
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    if (thisUpdate.isAfter(now.plus(options.futureSkew()))) {
      problems.add("its thisUpdate " + thisUpdate + " is in the future; check the clock");
    }
    Optional<Instant> next =
        Optional.ofNullable(crl.getNextUpdate()).map(java.util.Date::toInstant);
    if (next.isPresent() && next.get().isBefore(now)) {
      problems.add("stale: its nextUpdate " + next.get() + " has passed; get a newer CRL");
    }
    java.util.Set<? extends java.security.cert.X509CRLEntry> entries = crl.getRevokedCertificates();
    FileReport.CrlCheck check =
        new FileReport.CrlCheck(
            issuerName, thisUpdate, next, entries == null ? 0 : entries.size(), signer, problems);
    return new FileReport(
        in.path(),
        Format.CRL,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        problems.isEmpty() ? Status.VALID : Status.INVALID,
        Optional.empty(),
        Optional.empty(),
        Optional.of(check));
  }

  private FileReport inspectBundle(InputFile in) {
    java.util.SortedMap<String, byte[]> files =
        dev.trustbundle.bundle.BundleArchive.read(
            new java.io.ByteArrayInputStream(in.data()),
            dev.trustbundle.bundle.BundleArchive.Limits.DEFAULT);
    var signed = dev.trustbundle.bundle.BundleContents.signedManifest(files);
    byte[] manifestBytes = signed.manifest();
    byte[] p7s = signed.signature();
    dev.trustbundle.bundle.Manifest m = dev.trustbundle.bundle.Json.read(manifestBytes);
    List<String> problems = new ArrayList<>();
    List<X509Certificate> certs = dev.trustbundle.bundle.ManifestSignature.certificates(p7s);
    String signer =
        certs.isEmpty() ? "(no certificate)" : certs.get(0).getSubjectX500Principal().getName();
    boolean intact = false;
    if (!certs.isEmpty()) {
      try {
        dev.trustbundle.bundle.ManifestSignature.verify(manifestBytes, p7s, certs.get(0));
        intact = true;
      } catch (dev.trustbundle.error.VerificationException e) {
        problems.add(e.getMessage());
      }
    } else {
      problems.add("manifest.json.p7s carries no certificate");
    }
    // The one bundle check verify, import and serve apply, listing every problem.
    dev.trustbundle.bundle.BundleCheck.Report report =
        dev.trustbundle.bundle.BundleCheck.check(
            m, dev.trustbundle.bundle.BundleCheck.Contents.of(files), anchors, options, now);
    problems.addAll(report.problems());
    int verified = report.filesVerified();
    Instant expires = Instant.parse(m.expires());
    if (expires.isBefore(now)) {
      problems.add(expiredProblem(m));
    }
    List<String> lists = report.lists();
    FileReport.BundleCheck check =
        new FileReport.BundleCheck(m, signer, intact, verified, lists, problems);
    return new FileReport(
        in.path(),
        Format.BUNDLE,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        problems.isEmpty() ? Status.VALID : Status.INVALID,
        Optional.empty(),
        Optional.of(check),
        Optional.empty());
  }

  /** The problem recorded for a bundle past its expiry. */
  static String expiredProblem(dev.trustbundle.bundle.Manifest m) {
    return "the bundle expired on " + m.expires() + "; build a new one";
  }

  private static String fileNameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static FileReport inspectSst(InputFile in) {
    List<CertificateReport> certs = new ArrayList<>();
    for (SstElement el : SstReader.read(in.data())) {
      if (el.type() != SstElement.Type.CERTIFICATE) {
        continue;
      }
      certs.add(
          new CertificateReport(
              el.index(),
              el.sha1(),
              Hex.sha256(el.encoded()),
              el.certificate(),
              el.problem().map(List::of).orElse(List.of()),
              Optional.empty()));
    }
    return FileReport.ofCertificates(in.path(), Format.SST, certs);
  }

  private static FileReport inspectCertificates(InputFile in, List<Ctl> authroots) {
    List<byte[]> ders = Certificates.split(in.data(), in.fileName());
    List<CertificateReport> certs = new ArrayList<>();
    for (int i = 0; i < ders.size(); i++) {
      byte[] der = ders.get(i);
      X509Certificate cert =
          Certificates.parse(der, ders.size() == 1 ? in.fileName() : "certificate " + (i + 1));
      List<String> problems = new ArrayList<>();
      Optional<String> listedIn = Optional.empty();
      Optional<String> name = ders.size() == 1 ? Optional.of(in.fileName()) : Optional.empty();
      RootCheck.checkName(name, der).ifPresent(problems::add);
      // Only roots are listed; an intermediate is never in the authroot list.
      boolean selfIssued = cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
      if (problems.isEmpty() && !authroots.isEmpty() && selfIssued) {
        for (Ctl ctl : authroots) {
          List<String> p = RootCheck.check(Optional.empty(), der, ctl);
          if (p.isEmpty()) {
            listedIn = ctl.sequenceNumber().map(s -> s.hex());
            problems.clear();
            break;
          }
          problems.addAll(p);
        }
      }
      certs.add(
          new CertificateReport(
              i,
              Hex.sha1(der),
              Hex.sha256(der),
              Optional.of(cert),
              problems.stream().distinct().toList(),
              listedIn));
    }
    return FileReport.ofCertificates(in.path(), Format.CERTIFICATE, certs);
  }
}
