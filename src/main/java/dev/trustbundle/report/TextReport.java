package dev.trustbundle.report;

import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.ctl.EkuNames;
import dev.trustbundle.ctl.Oids;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.verify.CtlVerification;
import java.security.cert.X509Certificate;
import java.util.List;

/** The human form of a {@link FileReport}: a header of facts and a table of entries. */
public final class TextReport {
  private TextReport() {}

  /**
   * Renders a report.
   *
   * @param withEntries whether to print the table of list entries or certificates
   */
  public static String render(FileReport r, boolean withEntries) {
    StringBuilder sb = new StringBuilder();
    sb.append(safe(r.file())).append('\n');
    if (r.error().isPresent()) {
      if (r.status() == FileReport.Status.UNREADABLE) {
        row(sb, "verdict", "UNREADABLE: " + r.error().get());
      } else {
        row(sb, "verdict", "MALFORMED: " + r.error().get());
        row(
            sb,
            "what to do",
            "the file is damaged, cut short or not what its name says; get it again from its"
                + " source");
      }
      return sb.toString();
    }
    row(sb, "kind", r.kind());
    if (r.bundle().isPresent()) {
      bundle(sb, r.bundle().get());
      row(sb, "verdict", verdict(r));
      return sb.toString();
    }
    if (r.crl().isPresent()) {
      FileReport.CrlCheck c = r.crl().get();
      row(sb, "issuer", c.issuer());
      row(sb, "thisUpdate", c.thisUpdate().toString());
      row(sb, "nextUpdate", c.nextUpdate().map(Object::toString).orElse("(none)"));
      row(sb, "revoked", String.valueOf(c.revoked()));
      row(sb, "signed by", c.signer().orElse("(not verified)"));
      c.problems().forEach(p -> row(sb, "problem", p));
      row(sb, "verdict", verdict(r));
      return sb.toString();
    }
    r.container().ifPresent(c -> row(sb, "cabinet", c));
    if (r.list().isPresent()) {
      list(sb, r.list().get(), r.verification().orElseThrow());
    }
    r.roots()
        .ifPresent(
            rc -> {
              int total = rc.present() + rc.missing() + rc.mismatches().size();
              row(
                  sb,
                  "root files",
                  rc.present()
                      + " of "
                      + total
                      + " present and matching in "
                      + rc.where()
                      + (rc.mismatches().isEmpty()
                          ? ""
                          : ", " + rc.mismatches().size() + " NOT matching"));
              rc.mismatches().forEach(m -> row(sb, "mismatch", m));
              if (rc.missing() > 0 && rc.present() + rc.mismatches().size() > 0) {
                // Some roots are there, so the folder is meant to hold them: name the gaps.
                List<String> names = rc.missingFiles();
                row(
                    sb,
                    "missing",
                    String.join(", ", names.subList(0, Math.min(10, names.size())))
                        + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : ""));
              }
            });
    if (r.list().isEmpty()) {
      row(sb, "certificates", String.valueOf(r.certificates().size()));
      for (FileReport.CertificateReport c : r.certificates()) {
        c.problems()
            .forEach(
                p -> row(sb, "problem", "certificate " + c.index() + " " + c.sha1() + ": " + p));
      }
    }
    row(sb, "verdict", verdict(r));
    r.verification().ifPresent(v -> v.failures().forEach(f -> row(sb, "failure", f)));
    r.verification().ifPresent(v -> v.warnings().forEach(w -> row(sb, "warning", w)));
    if (withEntries) {
      sb.append('\n');
      if (r.list().isPresent()) {
        entries(sb, r.list().get().ctl());
      } else {
        certificates(sb, r.certificates());
      }
    }
    return sb.toString();
  }

  private static void bundle(StringBuilder sb, FileReport.BundleCheck b) {
    var m = b.manifest();
    row(sb, "bundle", m.bundleId() + ", sequence " + m.sequence());
    row(sb, "created", m.created() + ", expires " + m.expires());
    row(sb, "built by", m.tool() + " from " + m.upstream());
    row(
        sb,
        "profile",
        m.profile() == null ? "-" : m.profile().name() + " (SHA-256 " + m.profile().sha256() + ")");
    row(
        sb,
        "signature",
        (b.signatureIntact() ? "intact" : "BROKEN")
            + ", signed by "
            + b.signer()
            + " (whether to trust this publisher is decided on import)");
    row(sb, "files", b.filesVerified() + " of " + m.files().size() + " match the manifest");
    b.lists().forEach(l -> row(sb, "list", l));
    if (!m.removedRoots().isEmpty()) {
      row(sb, "grace", m.removedRoots().size() + " removed root(s) kept until their grace ends");
    }
    b.problems().forEach(p -> row(sb, "problem", p));
    m.warnings().forEach(w -> row(sb, "warning", w));
  }

  private static String verdict(FileReport r) {
    return switch (r.status()) {
      case VALID ->
          r.list().isPresent() || r.bundle().isPresent() || r.crl().isPresent() ? "VALID" : "OK";
      case INVALID -> "INVALID";
      case UNREADABLE -> "UNREADABLE";
      case MALFORMED -> "MALFORMED";
    };
  }

  private static void list(StringBuilder sb, SignedCtl l, CtlVerification v) {
    Ctl c = l.ctl();
    row(sb, "sequence", c.sequenceNumber().map(s -> s.hex()).orElse("(none)"));
    row(sb, "thisUpdate", c.thisUpdate().toString());
    c.nextUpdate().ifPresent(n -> row(sb, "nextUpdate", n.toString()));
    c.listIdentifierText().ifPresent(id -> row(sb, "listIdentifier", id));
    row(sb, "entries", String.valueOf(c.entries().size()));
    c.ctLogs()
        .ifPresent(
            ct ->
                row(
                    sb,
                    "CT logs",
                    ct.count()
                        + " ("
                        + String.join(", ", ct.keyAlgorithms().stream().distinct().toList())
                        + ")"));
    if (!l.signerInfos().isEmpty()) {
      String d = l.signerInfos().get(0).digestAlgorithm();
      row(sb, "digest", Oids.digestName(d) != null ? Oids.digestName(d) : d);
    }
    List<String> chain = v.chain();
    for (int i = 0; i < chain.size(); i++) {
      String label = i == 0 ? "signer chain" : "";
      String prefix = i == 0 ? "" : "<- ";
      String suffix = "";
      if (i == chain.size() - 1 && v.anchor().isPresent()) {
        suffix =
            v.anchor().get().startsWith("--trust-anchor")
                ? "  (" + v.anchor().get() + ")"
                : "  (pinned)";
      }
      row(sb, label, prefix + chain.get(i) + suffix);
    }
  }

  private static void entries(StringBuilder sb, Ctl ctl) {
    sb.append(
        String.format(
            "  %-40s  %-44s  %-32s  %-20s  %-20s%n",
            "SHA-1", "FRIENDLY NAME", "EKUS", "DISABLED", "NOT BEFORE"));
    for (CtlEntry e : ctl.entries()) {
      String disabled =
          e.disabledAfter()
              .map(d -> date(d) + e.disallowedEkus().map(x -> " " + EkuNames.names(x)).orElse(""))
              .orElse("-");
      String notBefore =
          e.notBefore()
              .map(d -> date(d) + e.notBeforeEkus().map(x -> " " + EkuNames.names(x)).orElse(""))
              .orElse("-");
      sb.append(
          String.format(
              "  %-40s  %-44s  %-32s  %-20s  %-20s%n",
              e.identifierHex(),
              clip(safe(e.friendlyName().orElse("-")), 44),
              clip(e.ekus().map(EkuNames::names).orElse("(all)"), 32),
              disabled,
              notBefore));
    }
  }

  private static String date(CutoffDate d) {
    return d instanceof CutoffDate.At at ? at.instant().toString().substring(0, 10) : "always";
  }

  private static void certificates(StringBuilder sb, List<FileReport.CertificateReport> certs) {
    sb.append(
        String.format(
            "  %-40s  %-10s  %-10s  %s%n", "SHA-1", "NOT BEFORE", "NOT AFTER", "SUBJECT"));
    for (FileReport.CertificateReport c : certs) {
      if (c.certificate().isPresent()) {
        X509Certificate x = c.certificate().get();
        sb.append(
            String.format(
                "  %-40s  %-10s  %-10s  %s%n",
                c.sha1(),
                x.getNotBefore().toInstant().toString().substring(0, 10),
                x.getNotAfter().toInstant().toString().substring(0, 10),
                safe(x.getSubjectX500Principal().getName())));
      } else {
        sb.append(String.format("  %-40s  %-10s  %-10s  %s%n", c.sha1(), "?", "?", "(unparsable)"));
      }
      c.listedIn().ifPresent(s -> sb.append("      listed in authroot ").append(s).append('\n'));
    }
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "~";
  }

  private static void row(StringBuilder sb, String label, String value) {
    sb.append(String.format("  %-15s %s%n", label, safe(value)));
  }

  /**
   * Escapes control characters, so that names taken from hostile files cannot drive the terminal.
   */
  static String safe(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)
          || (c >= 0x202A && c <= 0x202E)
          || (c >= 0x2066 && c <= 0x2069)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
