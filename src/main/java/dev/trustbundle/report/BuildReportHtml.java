package dev.trustbundle.report;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.report.Html.Fact;
import dev.trustbundle.report.Html.Fragment;
import dev.trustbundle.report.Html.Tone;
import java.io.ByteArrayInputStream;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;

/**
 * A bundle's build report as an HTML page: its lists (sequence, dates, signer, verification), its
 * files by role with counts and sizes, the profile's extra roots and intermediates, CRLs with their
 * nextUpdate, removed roots kept for their grace period, warnings, and the changes since the
 * previous bundle when they are known (right after {@code build --previous}). Pure: the manifest
 * and the archive's entries in, a page out.
 */
public final class BuildReportHtml {
  private BuildReportHtml() {}

  /**
   * What to render.
   *
   * @param manifest the bundle's manifest
   * @param files the archive's entries (manifest and signature included)
   * @param check what {@code inspect} found when the bundle was checked on its own; empty right
   *     after a build, which verified everything before writing
   * @param previousBundleId the bundle the changes are against, when known
   * @param changes the changes since that bundle, one per list
   * @param now when the page is rendered, for ages and expiries
   * @param source where the bundle is (the output or inspected file)
   */
  public record Input(
      Manifest manifest,
      SortedMap<String, byte[]> files,
      Optional<FileReport.BundleCheck> check,
      Optional<String> previousBundleId,
      List<CtlDiff> changes,
      Instant now,
      String source) {
    public Input {
      Objects.requireNonNull(manifest, "manifest");
      files = new TreeMap<>(files);
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(previousBundleId, "previousBundleId");
      changes = List.copyOf(changes);
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(source, "source");
    }
  }

  /** The page. */
  public static String render(Input in) {
    Manifest m = in.manifest();
    Instant expires = Instant.parse(m.expires());
    boolean expired = expires.isBefore(in.now());
    List<String> problems = in.check().map(FileReport.BundleCheck::problems).orElse(List.of());
    boolean ok = problems.isEmpty() && !expired;
    Html.Page p =
        new Html.Page("Bundle build report").subtitle(m.bundleId() + "  \u00b7  " + in.source());
    if (in.check().isEmpty()) {
      p.status(Tone.OK, "built and verified", "verdict");
    } else {
      p.status(ok ? Tone.OK : Tone.BAD, ok ? "VALID" : "INVALID", "verdict");
    }

    long total = m.files().stream().mapToLong(Manifest.FileInfo::size).sum();
    long roots = m.files().stream().filter(f -> f.role().equals("root")).count();
    long days = Duration.between(in.now(), expires).toDays();
    p.stat("files-count", String.valueOf(m.files().size()), "files, " + size(total), Tone.INFO);
    p.stat("roots-count", String.valueOf(roots), "roots from the list", Tone.NEUTRAL);
    p.stat("lists-count", String.valueOf(m.lists().size()), "trust lists", Tone.NEUTRAL);
    p.stat(
        "expiry",
        expired ? "expired" : days + " d",
        expired ? "on " + m.expires() : "until it expires",
        expired ? Tone.BAD : days < 7 ? Tone.WARNING : Tone.OK);
    p.stat(
        "warnings-count",
        String.valueOf(m.warnings().size()),
        "warnings",
        m.warnings().isEmpty() ? Tone.OK : Tone.WARNING);
    p.callout("problems", Tone.BAD, problems);

    p.heading("Bundle", "bundle");
    List<Fact> facts = new ArrayList<>();
    facts.add(new Fact("Bundle id", Html.code(m.bundleId())));
    facts.add(new Fact("Sequence", Html.text(String.valueOf(m.sequence()))));
    facts.add(new Fact("Created", Html.text(m.created())));
    facts.add(
        new Fact(
            "Expires",
            Html.join(
                Html.text(m.expires()),
                expired ? Html.badge(Tone.BAD, "expired") : Html.muted("(in " + days + " days)"))));
    facts.add(new Fact("Built by", Html.text(m.tool())));
    if (m.profile() != null) {
      facts.add(
          new Fact(
              "Profile",
              Html.join(
                  Html.text(m.profile().name()), Html.id("SHA-256 " + m.profile().sha256()))));
    }
    facts.add(new Fact("Upstream", Html.code(m.upstream())));
    facts.add(new Fact("Signed by", signer(in)));
    p.facts("bundle-facts", facts);

    lists(p, in);
    roles(p, m);
    extras(p, in);
    crls(p, in, expires);
    removed(p, m);
    p.heading(
        "Warnings",
        "warnings-heading",
        Html.badge(
            m.warnings().isEmpty() ? Tone.OK : Tone.WARNING, String.valueOf(m.warnings().size())));
    if (m.warnings().isEmpty()) {
      p.paragraph(Html.muted("No warnings."));
    }
    p.callout("warnings", Tone.WARNING, m.warnings());
    if (in.previousBundleId().isPresent()) {
      p.heading(
          "Changes since " + in.previousBundleId().get(),
          "changes",
          in.changes().stream().allMatch(CtlDiff::identical)
              ? Html.badge(Tone.NEUTRAL, "no changes")
              : Html.badge(
                  Tone.INFO,
                  in.changes().stream().filter(d -> !d.identical()).count() + " list(s) changed"));
      for (CtlDiff d : in.changes()) {
        DiffOutput.listSection(p, d, "changes-");
      }
    }
    p.footer(
        "trustbundle build report \u00b7 rendered for "
            + in.now()
            + " \u00b7 whether to trust the publisher is decided on import (trustbundle verify"
            + " --trust publisher.crt)");
    return p.render();
  }

  private static Fragment signer(Input in) {
    String who = in.check().map(FileReport.BundleCheck::signer).orElse(null);
    if (who == null) {
      byte[] p7s = in.files().get("manifest.json.p7s");
      try {
        List<X509Certificate> certs = p7s == null ? List.of() : ManifestSignature.certificates(p7s);
        who =
            certs.isEmpty()
                ? "(no certificate)"
                : certs.get(0).getSubjectX500Principal().getName(X500Principal.RFC2253);
      } catch (TrustBundleException e) {
        who = "(unreadable signature: " + e.getMessage() + ")";
      }
    }
    Fragment verdict =
        in.check()
            .map(
                c ->
                    c.signatureIntact()
                        ? Html.badge(Tone.OK, "signature intact")
                        : Html.badge(Tone.BAD, "signature BROKEN"))
            .orElse(Html.badge(Tone.OK, "signed and checked"));
    return Html.join(Html.text(who), verdict);
  }

  private static void lists(Html.Page p, Input in) {
    p.heading("Trust lists", "lists");
    List<List<Fragment>> rows = new ArrayList<>();
    for (Manifest.ListInfo l : in.manifest().lists()) {
      Optional<String> verdict =
          in.check()
              .flatMap(
                  c ->
                      c.lists().stream()
                          .filter(s -> s.startsWith(l.kind() + " " + l.sequenceNumber() + ":"))
                          .findFirst());
      // Right after a build the manifest's flag says it; for an existing bundle, inspect's verdict.
      boolean valid =
          in.check().isPresent()
              ? verdict.map(v -> v.endsWith(": VALID")).orElse(false)
              : l.verified();
      Fragment badge =
          valid
              ? Html.badge(Tone.OK, "verified")
              : Html.join(
                  Html.badge(Tone.BAD, "not verified"),
                  Html.muted(verdict.map(v -> v.substring(v.indexOf(':') + 1).trim()).orElse("")));
      List<Fragment> chain = new ArrayList<>();
      List<String> c = l.chain() == null ? List.of() : l.chain();
      for (int i = 0; i < c.size(); i++) {
        chain.add(Html.text((i == 0 ? "" : "\u2190 ") + c.get(i)));
      }
      if (chain.isEmpty() && l.signer() != null) {
        chain.add(Html.text(l.signer()));
      }
      if (l.anchor() != null) {
        chain.add(Html.muted("anchor: " + l.anchor()));
      }
      List<Fragment> notes = new ArrayList<>();
      notes.add(badge);
      int w = l.warnings() == null ? 0 : l.warnings().size();
      if (w > 0) {
        // Each list's warnings are in the manifest's warnings, listed below.
        notes.add(Html.muted(w + (w == 1 ? " warning" : " warnings") + ", see Warnings"));
      }
      rows.add(
          List.of(
              Html.strong(l.kind()),
              Html.join(Html.code(l.sequenceNumber()), Html.id(l.path())),
              Html.nowrap(l.thisUpdate()),
              Html.lines(chain),
              Html.lines(notes)));
    }
    p.table(
        "lists-table",
        List.of("List", "Sequence", "thisUpdate", "Signer chain", "Verification"),
        rows,
        "The manifest lists no trust list.");
  }

  private static void roles(Html.Page p, Manifest m) {
    p.heading("Files by role", "roles");
    // In the order an administrator reads a bundle: Microsoft's files, then the profile's.
    List<String> order =
        List.of(
            "list",
            "root",
            "removed-root",
            "sequence",
            "store",
            "extra-root",
            "intermediate",
            "crl");
    Map<String, long[]> byRole =
        new TreeMap<>(
            java.util.Comparator.comparingInt(
                    (String r) -> order.indexOf(r) < 0 ? order.size() : order.indexOf(r))
                .thenComparing(r -> r));
    for (Manifest.FileInfo f : m.files()) {
      long[] a = byRole.computeIfAbsent(f.role(), k -> new long[2]);
      a[0]++;
      a[1] += f.size();
    }
    List<List<Fragment>> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : byRole.entrySet()) {
      rows.add(
          List.of(
              Html.badge(Tone.NEUTRAL, e.getKey()),
              Html.text(roleMeaning(e.getKey())),
              Html.num(String.valueOf(e.getValue()[0])),
              Html.num(size(e.getValue()[1]))));
    }
    p.table("roles-table", List.of("Role", "What it is", "Files", "Size"), rows, "No files.");
  }

  private static String roleMeaning(String role) {
    return switch (role) {
      case "list" -> "Microsoft's signed trust lists (cabinets and authroot.stl)";
      case "root" -> "root certificates named by the authroot list";
      case "removed-root" -> "roots that left the list, kept for the grace period";
      case "store" -> "serialized certificate store (disallowedcert.sst)";
      case "sequence" -> "authrootseq.txt, written from the verified list";
      case "extra-root" -> "the profile's roots from outside Microsoft's list";
      case "intermediate" -> "the profile's intermediate CAs";
      case "crl" -> "certificate revocation lists";
      default -> "";
    };
  }

  private static void extras(Html.Page p, Input in) {
    List<List<Fragment>> rows = new ArrayList<>();
    for (Manifest.FileInfo f : in.manifest().files()) {
      if (!f.role().equals("extra-root") && !f.role().equals("intermediate")) {
        continue;
      }
      Optional<X509Certificate> c = certificate(in.files().get(f.path()));
      rows.add(
          List.of(
              Html.badge(Tone.INFO, f.role()),
              Html.join(
                  Html.text(
                      c.map(x -> x.getSubjectX500Principal().getName(X500Principal.RFC2253))
                          .orElse("(unreadable)")),
                  Html.id(f.path())),
              Html.text(
                  c.map(
                          x ->
                              x.getNotAfter().toInstant().toString().substring(0, 10)
                                  + (x.getNotAfter().toInstant().isBefore(in.now())
                                      ? " (expired)"
                                      : ""))
                      .orElse("-")),
              f.sourceUrl() == null ? Html.muted("-") : Html.path(f.sourceUrl())));
    }
    if (rows.isEmpty()) {
      return;
    }
    p.heading("Extra roots and intermediates", "extras");
    p.table("extras-table", List.of("Role", "Subject", "Valid until", "Source"), rows, "");
  }

  private static void crls(Html.Page p, Input in, Instant expires) {
    List<List<Fragment>> rows = new ArrayList<>();
    for (Manifest.FileInfo f : in.manifest().files()) {
      if (!f.role().equals("crl")) {
        continue;
      }
      Optional<X509CRL> crl = crl(in.files().get(f.path()));
      Optional<Instant> next = crl.map(X509CRL::getNextUpdate).map(java.util.Date::toInstant);
      Fragment status =
          next.isEmpty()
              ? Html.badge(Tone.NEUTRAL, "no nextUpdate")
              : next.get().isBefore(in.now())
                  ? Html.badge(Tone.BAD, "stale")
                  : next.get().isBefore(expires)
                      ? Html.badge(Tone.WARNING, "expires before the bundle")
                      : Html.badge(Tone.OK, "current");
      rows.add(
          List.of(
              Html.join(
                  f.sourceUrl() == null ? Html.text(f.path()) : Html.path(f.sourceUrl()),
                  Html.id(f.path())),
              Html.text(
                  crl.map(c -> c.getIssuerX500Principal().getName(X500Principal.RFC2253))
                      .orElse("(unreadable)")),
              Html.text(crl.map(c -> c.getThisUpdate().toInstant().toString()).orElse("-")),
              Html.join(Html.text(next.map(Instant::toString).orElse("-")), status)));
    }
    if (rows.isEmpty()) {
      return;
    }
    p.heading("CRLs", "crls");
    p.table("crls-table", List.of("URL", "Issuer", "thisUpdate", "nextUpdate"), rows, "");
  }

  private static void removed(Html.Page p, Manifest m) {
    if (m.removedRoots().isEmpty()) {
      return;
    }
    p.heading(
        "Removed roots in their grace period",
        "grace",
        Html.badge(Tone.REMOVED, String.valueOf(m.removedRoots().size())));
    p.paragraph(
        Html.muted(
            "These roots left the authroot list. Their .crt files stay in the mirror until the"
                + " date shown, so that clients that still hold the older list can fetch them."));
    List<Manifest.RemovedRoot> roots = new ArrayList<>(m.removedRoots());
    roots.sort(
        java.util.Comparator.comparing(
            (Manifest.RemovedRoot r) ->
                r.friendlyName() == null ? "\uffff" : r.friendlyName().toLowerCase(Locale.ROOT)));
    p.table(
        "grace-table",
        List.of("", "Friendly name and SHA-1", "Removed since", "Kept until"),
        roots.stream()
            .map(
                r ->
                    List.of(
                        Html.badge(Tone.REMOVED, "removed"),
                        Html.join(
                            r.friendlyName() == null
                                ? Html.muted("(no name)")
                                : Html.text(r.friendlyName()),
                            Html.id(r.sha1())),
                        Html.nowrap(r.removedSince()),
                        Html.nowrap(r.keepUntil())))
            .toList(),
        "");
  }

  private static Optional<X509Certificate> certificate(byte[] der) {
    if (der == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Certificates.parse(der, "certificate"));
    } catch (TrustBundleException e) {
      return Optional.empty();
    }
  }

  private static Optional<X509CRL> crl(byte[] der) {
    if (der == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der)));
    } catch (CRLException | CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** 1.2 MiB, 734 KiB, 512 B. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
