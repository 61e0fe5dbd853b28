package dev.trustbundle.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.EkuNames;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.verify.CertExtensions;
import dev.trustbundle.verify.ChainCandidate;
import dev.trustbundle.verify.ChainResult;
import dev.trustbundle.verify.Finding;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * {@code check}'s answer for people and scripts: the chain built (or how far it got), what is
 * missing and where to download it, what to change in the profile, and every finding.
 */
public final class CheckReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CheckReport() {}

  /**
   * Where the trust came from.
   *
   * @param kind {@code bundle} or {@code state}
   * @param path the bundle file or state folder
   * @param manifest the bundle's manifest
   * @param signer the publisher that signed it, when verified here
   * @param warnings from verifying it (an expired bundle accepted, ...)
   * @param notes bundle files that could not be used
   * @param crls the CRLs the bundle carries, so that each certificate's can be looked up
   */
  public record Trust(
      String kind,
      String path,
      Manifest manifest,
      Optional<String> signer,
      List<String> warnings,
      List<String> notes,
      List<BundleTrust.Crl> crls) {
    public Trust {
      warnings = List.copyOf(warnings);
      notes = List.copyOf(notes);
      crls = List.copyOf(crls);
    }

    /** The carried CRL downloaded from this URL. */
    Optional<BundleTrust.Crl> crl(String url) {
      return crls.stream().filter(c -> c.url().equals(url)).findFirst();
    }
  }

  /**
   * Whether the bundle carries a certificate's CRLs: Windows checks revocation of every certificate
   * below the root, and in a disconnected network only CRLs the mirror serves can be fetched. Not
   * part of the verdict: a revocation check that cannot reach its CRL is a soft failure for TLS.
   *
   * @param index the certificate's position
   * @param url its CRL distribution point (http or https)
   * @param carried the bundle's copy, if it has one
   */
  public record Revocation(int index, String url, Optional<BundleTrust.Crl> carried) {}

  /** The CRL distribution points of the chain's certificates below its root. */
  public static List<Revocation> revocation(ChainResult r, Trust trust) {
    List<Revocation> out = new ArrayList<>();
    int n = r.built() ? r.chain().size() - 1 : r.chain().size();
    for (int i = 0; i < n; i++) {
      for (String url : CertExtensions.urls(r.chain().get(i).candidate().cert()).crl()) {
        if (url.toLowerCase(Locale.ROOT).startsWith("http")) {
          out.add(new Revocation(i, url, trust.crl(url)));
        }
      }
    }
    return out;
  }

  /**
   * A suggested change.
   *
   * @param text what to do, one line
   * @param yaml a profile snippet to paste under the key the text names, if any
   */
  public record Fix(String text, Optional<String> yaml) {}

  /** What would make the chain build or last, most useful first. */
  public static List<Fix> fixes(ChainResult r, Trust trust) {
    List<Fix> out = new ArrayList<>();
    String profile = profileFile(trust.manifest());
    if (r.missing().isPresent()) {
      ChainResult.Missing m = r.missing().get();
      X509Certificate last = r.chain().get(m.index()).candidate().cert();
      String lastName = CertExtensions.displayName(last);
      switch (m.kind()) {
        case CTL_ROOT -> {
          CtlEntry e = m.ctlRoot().orElseThrow();
          String name = e.friendlyName().orElse(CertExtensions.displayName(m.issuer()));
          out.add(
              new Fix(
                  "the root \""
                      + name
                      + "\" is in Microsoft's authroot list: build with --roots all, or list it in "
                      + profile
                      + " under roots:",
                  Optional.of(
                      "- name: " + yamlString(name) + "\n  sha1: " + e.identifierHex() + "\n")));
        }
        case ISSUER -> {
          String dn = m.issuer().getName(X500Principal.RFC2253);
          String name = CertExtensions.displayName(m.issuer());
          Optional<String> url =
              m.caIssuers().stream()
                  .filter(u -> u.toLowerCase(Locale.ROOT).startsWith("http"))
                  .findFirst();
          if (url.isPresent()) {
            out.add(
                new Fix(
                    "add it to "
                        + profile
                        + " under intermediates: build downloads it from "
                        + url.get()
                        + ", checks that it chains to a root of the bundle (and says so if not)"
                        + " and carries it; or pin it with sha256: instead of chain-to-root and"
                        + " subject",
                    Optional.of(
                        "- name: "
                            + yamlString(name)
                            + "\n  url: "
                            + yamlString(url.get())
                            + "\n  chain-to-root: bundle\n  subject: "
                            + yamlString(dn)
                            + "\n")));
          } else {
            out.add(
                new Fix(
                    "\""
                        + lastName
                        + "\" names no http CA-issuers URL (AIA): get the certificate of "
                        + dn
                        + " from its CA and add it to "
                        + profile
                        + " under intermediates: with its url: and sha256:",
                    Optional.empty()));
          }
          out.add(
              new Fix(
                  "or configure the server to send it with its certificate (Windows clients in"
                      + " the disconnected network cannot download it)",
                  Optional.empty()));
        }
        case UNTRUSTED_ROOT ->
            out.add(
                new Fix(
                    "if you trust \""
                        + lastName
                        + "\", add it to "
                        + profile
                        + " under roots: with the URL it can be downloaded from and sha256: "
                        + sha256(last)
                        + ", and deploy it to the clients' Root store (Microsoft's list does not"
                        + " carry it)",
                    Optional.empty()));
        case TOO_LONG ->
            out.add(
                new Fix(
                    "no root of the bundle within "
                        + dev.trustbundle.verify.ChainBuilder.MAX_LENGTH
                        + " certificates: check the certificates given",
                    Optional.empty()));
      }
    }
    for (Finding f : r.findings()) {
      if (f.severity() == Finding.Severity.NOTE || f.index().isEmpty()) {
        continue;
      }
      ChainCandidate c = r.chain().get(f.index().getAsInt()).candidate();
      boolean ended = f.code().equals("expired") || f.code().equals("expires-soon");
      if (ended && c.source() == ChainCandidate.Source.INTERMEDIATE) {
        out.add(
            new Fix(
                "\""
                    + CertExtensions.displayName(c.cert())
                    + "\" comes from the profile"
                    + c.sourceUrl().map(u -> " (" + u + ")").orElse("")
                    + ": CAs re-issue such certificates before they expire; update its entry in "
                    + profile
                    + " if the URL or pin changed, and build a new bundle",
                Optional.empty()));
      }
    }
    return out;
  }

  /** The human form. */
  public static String text(ChainResult r, Trust trust) {
    StringBuilder sb = new StringBuilder();
    X509Certificate leaf = r.chain().get(0).candidate().cert();
    sb.append("check \"")
        .append(TextReport.safe(CertExtensions.displayName(leaf)))
        .append("\" for ")
        .append(EkuNames.name(r.eku()))
        .append(" at ")
        .append(r.at())
        .append(" (warn within ")
        .append(r.warnWindow().toDays())
        .append(" days)\n");
    Manifest m = trust.manifest();
    row(
        sb,
        "trust",
        trust.kind()
            + " "
            + trust.path()
            + ": "
            + m.bundleId()
            + ", sequence "
            + m.sequence()
            + (m.profile() != null ? ", profile " + m.profile().name() : "")
            + ", created "
            + m.created()
            + ", expires "
            + m.expires()
            + trust.signer().map(s -> ", signed by " + s + " (verified)").orElse(""));
    trust.warnings().forEach(w -> row(sb, "warning", w));
    trust.notes().forEach(n -> row(sb, "note", n));
    for (int i = 0; i < r.chain().size(); i++) {
      ChainResult.Link l = r.chain().get(i);
      X509Certificate c = l.candidate().cert();
      row(
          sb,
          i == 0 ? "chain" : "",
          "[" + i + "] " + c.getSubjectX500Principal().getName(X500Principal.RFC2253));
      row(
          sb,
          "",
          "    SHA-1 "
              + l.candidate().sha1()
              + ", valid "
              + c.getNotBefore().toInstant()
              + " to "
              + c.getNotAfter().toInstant()
              + " ("
              + daysLeft(r.at(), c.getNotAfter().toInstant())
              + ")");
      row(
          sb,
          "",
          "    from "
              + l.candidate().origin()
              + " ("
              + l.candidate().source().label()
              + l.candidate().sourceUrl().map(u -> ", from " + u).orElse("")
              + ")");
      l.ctlEntry()
          .ifPresent(
              e ->
                  row(
                      sb,
                      "",
                      "    in the authroot list as \""
                          + e.friendlyName().orElse("?")
                          + "\", EKUs "
                          + e.ekus().map(EkuNames::names).orElse("all")));
    }
    String profile = profileFile(m);
    for (Revocation rv : revocation(r, trust)) {
      row(
          sb,
          "crl",
          "["
              + rv.index()
              + "] "
              + rv.url()
              + rv.carried()
                  .map(
                      c ->
                          ": in the bundle ("
                              + c.path()
                              + c.nextUpdate()
                                  .map(
                                      u ->
                                          (u.isBefore(r.at()) ? ", stale since " : ", next update ")
                                              + u)
                                  .orElse("")
                              + ")")
                  .orElse(
                      ": not in the bundle; clients cannot check this revocation offline (list it"
                          + " in "
                          + profile
                          + " under crls:, or allow its host)"));
    }
    r.missing()
        .ifPresent(
            ms -> {
              row(sb, "missing", missingText(r, ms));
              ms.caIssuers().forEach(u -> row(sb, "", "download: " + u));
              ms.nearMisses().forEach(n -> row(sb, "", "not usable: " + n));
            });
    for (Finding f : r.findings()) {
      row(sb, f.severity().name().toLowerCase(Locale.ROOT), f.message());
    }
    for (Fix f : fixes(r, trust)) {
      row(sb, "fix", f.text());
      f.yaml().ifPresent(y -> y.lines().forEach(line -> row(sb, "", "  " + line)));
    }
    row(sb, "verdict", verdictText(r));
    return sb.toString();
  }

  /** The JSON form. */
  public static ObjectNode json(ChainResult r, Trust trust) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("certificate", CertExtensions.displayName(r.chain().get(0).candidate().cert()));
    o.put("eku", r.eku());
    o.put("ekuName", EkuNames.name(r.eku()));
    o.put("at", r.at().toString());
    o.put("warnDays", r.warnWindow().toDays());
    ObjectNode t = o.putObject("trust");
    Manifest m = trust.manifest();
    t.put("kind", trust.kind());
    t.put("path", trust.path());
    t.put("bundleId", m.bundleId());
    t.put("sequence", m.sequence());
    t.put("profile", m.profile() == null ? null : m.profile().name());
    t.put("created", m.created());
    t.put("expires", m.expires());
    trust.signer().ifPresent(s -> t.put("signer", s));
    t.set("warnings", MAPPER.valueToTree(trust.warnings()));
    t.set("notes", MAPPER.valueToTree(trust.notes()));
    o.put("builds", r.built());
    o.put("verdict", r.verdict().name().toLowerCase(Locale.ROOT));
    ArrayNode chain = o.putArray("chain");
    for (int i = 0; i < r.chain().size(); i++) {
      ChainResult.Link l = r.chain().get(i);
      X509Certificate c = l.candidate().cert();
      ObjectNode n = chain.addObject();
      n.put("index", i);
      n.put("name", CertExtensions.displayName(c));
      n.put("subject", c.getSubjectX500Principal().getName(X500Principal.RFC2253));
      n.put("issuer", c.getIssuerX500Principal().getName(X500Principal.RFC2253));
      n.put("sha1", l.candidate().sha1());
      n.put("sha256", sha256(c));
      n.put("notBefore", c.getNotBefore().toInstant().toString());
      n.put("notAfter", c.getNotAfter().toInstant().toString());
      n.put("daysLeft", days(r.at(), c.getNotAfter().toInstant()));
      n.put("source", l.candidate().source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      n.put("origin", l.candidate().origin());
      l.candidate().sourceUrl().ifPresent(u -> n.put("sourceUrl", u));
      l.ctlEntry()
          .ifPresent(
              e -> {
                ObjectNode ctl = n.putObject("authroot");
                ctl.put("friendlyName", e.friendlyName().orElse(null));
                ctl.set("ekus", list(e.ekus()));
                ctl.put("disabledAfter", e.disabledAfter().map(d -> d.describe()).orElse(null));
                ctl.set("disallowedEkus", list(e.disallowedEkus()));
                ctl.put("notBefore", e.notBefore().map(d -> d.describe()).orElse(null));
                ctl.set("notBeforeEkus", list(e.notBeforeEkus()));
              });
    }
    for (Revocation rv : revocation(r, trust)) {
      ObjectNode c = ((ObjectNode) chain.get(rv.index())).withArray("crls").addObject();
      c.put("url", rv.url());
      c.put("inBundle", rv.carried().isPresent());
      rv.carried()
          .ifPresent(
              x -> {
                c.put("path", x.path());
                c.put("nextUpdate", x.nextUpdate().map(Instant::toString).orElse(null));
              });
    }
    if (r.missing().isPresent()) {
      ChainResult.Missing ms = r.missing().get();
      ObjectNode n = o.putObject("missing");
      n.put("kind", ms.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      n.put("after", ms.index());
      n.put("subject", ms.issuer().getName(X500Principal.RFC2253));
      n.put("keyId", ms.keyId().orElse(null));
      n.set("caIssuers", MAPPER.valueToTree(ms.caIssuers()));
      ms.ctlRoot()
          .ifPresent(
              e -> {
                n.put("sha1", e.identifierHex());
                n.put("friendlyName", e.friendlyName().orElse(null));
              });
      n.set("notUsable", MAPPER.valueToTree(ms.nearMisses()));
      n.put("message", missingText(r, ms));
    } else {
      o.putNull("missing");
    }
    ArrayNode fs = o.putArray("findings");
    for (Finding f : r.findings()) {
      ObjectNode n = fs.addObject();
      n.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
      n.put("code", f.code());
      if (f.index().isPresent()) {
        n.put("index", f.index().getAsInt());
      }
      n.put("message", f.message());
    }
    ArrayNode fx = o.putArray("fixes");
    for (Fix f : fixes(r, trust)) {
      ObjectNode n = fx.addObject();
      n.put("text", f.text());
      n.put("yaml", f.yaml().orElse(null));
    }
    return o;
  }

  private static String missingText(ChainResult r, ChainResult.Missing m) {
    String last = CertExtensions.displayName(r.chain().get(m.index()).candidate().cert());
    String dn = m.issuer().getName(X500Principal.RFC2253);
    String key = m.keyId().map(k -> " (key identifier " + k + ")").orElse("");
    return switch (m.kind()) {
      case ISSUER ->
          "the certificate that issued \""
              + last
              + "\": "
              + dn
              + key
              + "; neither the certificates given nor the bundle hold it (an intermediate)";
      case CTL_ROOT ->
          "the root \""
              + m.ctlRoot()
                  .flatMap(CtlEntry::friendlyName)
                  .orElse(CertExtensions.displayName(m.issuer()))
              + "\" (SHA-1 "
              + m.ctlRoot().orElseThrow().identifierHex()
              + "), which Microsoft's authroot list carries but this bundle does not";
      case UNTRUSTED_ROOT ->
          "a trusted root: the chain ends at \""
              + last
              + "\", a self-signed root that neither the bundle nor Microsoft's list carries";
      case TOO_LONG -> "a root of the bundle within the first certificates after \"" + last + "\"";
    };
  }

  private static String verdictText(ChainResult r) {
    return switch (r.verdict()) {
      case OK -> "BUILDS: the chain is trusted with this bundle alone";
      case EXPIRING -> "BUILDS, BUT something expires within the warning window";
      case FAIL ->
          r.built()
              ? "NOT TRUSTED: the chain builds but a certificate is expired, disallowed or not"
                  + " trusted for "
                  + EkuNames.name(r.eku())
              : "DOES NOT BUILD with this bundle";
    };
  }

  private static String profileFile(Manifest m) {
    return m.profile() == null || m.profile().name() == null
        ? "the profile"
        : "bundles/" + m.profile().name() + ".yaml";
  }

  /** A YAML double-quoted scalar. */
  static String yamlString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static com.fasterxml.jackson.databind.JsonNode list(Optional<List<String>> l) {
    return l.isPresent()
        ? MAPPER.valueToTree(l.get())
        : com.fasterxml.jackson.databind.node.NullNode.getInstance();
  }

  private static String sha256(X509Certificate c) {
    try {
      return Hex.sha256(c.getEncoded());
    } catch (CertificateEncodingException e) {
      return "";
    }
  }

  private static long days(Instant at, Instant end) {
    return Duration.between(at, end).toDays();
  }

  private static String daysLeft(Instant at, Instant end) {
    long d = days(at, end);
    return d < 0 ? "expired " + -d + " days ago" : d + " days left";
  }

  private static void row(StringBuilder sb, String label, String value) {
    sb.append(String.format("  %-8s %s", label, TextReport.safe(value)).stripTrailing())
        .append('\n');
  }
}
