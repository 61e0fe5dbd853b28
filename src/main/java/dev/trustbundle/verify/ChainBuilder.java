package dev.trustbundle.verify;

import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.EkuNames;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.Oids;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Builds a certificate chain the way a disconnected Windows client could: from the certificates a
 * server presents plus what a bundle carries (the roots its authroot list names, the profile's
 * roots and intermediates), and checks it for one extended key usage at one instant.
 *
 * <p>An issuer is a certificate whose subject is the child's issuer name, whose subject key
 * identifier (when both sides have one) is the child's authority key identifier, and whose key
 * verifies the child's signature (JCA). Every path to a root of the bundle is explored, bounded in
 * length ({@value #MAX_LENGTH} certificates) and in work; the one with the fewest errors, then
 * warnings, then certificates wins, so a valid cross-signed path is preferred to an expired one.
 * When no path reaches a root, the result says what is missing where the chain stopped.
 *
 * <p>Checked on the chosen path: validity at the evaluation time, expiry within the warning window,
 * Microsoft's disallowed list, CA basic constraints, path length and key usage of issuers, the EKU
 * extension of every certificate below the root, and for a root of the list its attributes ({@link
 * RootPolicy}). Revocation is not checked. Pure: no I/O, time passed in.
 */
public final class ChainBuilder {
  /** Longest chain considered, root included. */
  public static final int MAX_LENGTH = 10;

  /** Most paths visited; cross-signed meshes cannot make the search explode. */
  private static final int MAX_STEPS = 5_000;

  /**
   * What to check.
   *
   * @param eku the extended key usage in use (an OID; Server Authentication by default)
   * @param at the evaluation time
   * @param warnWindow how far ahead an expiry is a warning
   */
  public record Options(String eku, Instant at, Duration warnWindow) {
    /** Server Authentication. */
    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    public Options {
      Objects.requireNonNull(eku, "eku");
      Objects.requireNonNull(at, "at");
      if (warnWindow.isNegative()) {
        throw new IllegalArgumentException("the warning window cannot be negative");
      }
    }
  }

  private final TrustMaterial trust;
  private final Options options;
  private final String ekuName;
  private final Map<String, ChainCandidate> pool = new LinkedHashMap<>();
  private final Map<X500Principal, List<ChainCandidate>> bySubject = new HashMap<>();
  private final Map<String, Boolean> signatures = new HashMap<>();
  private final List<List<ChainCandidate>> complete = new ArrayList<>();
  private final List<DeadEnd> deadEnds = new ArrayList<>();
  private int steps;

  private record DeadEnd(List<ChainCandidate> path, ChainResult.Missing missing) {}

  private record Scored(List<ChainCandidate> path, List<Finding> findings, int order) {
    long count(Finding.Severity s) {
      return findings.stream().filter(f -> f.severity() == s).count();
    }
  }

  private ChainBuilder(TrustMaterial trust, Options options) {
    this.trust = trust;
    this.options = options;
    this.ekuName = EkuNames.name(options.eku());
  }

  /**
   * Builds and checks the chain.
   *
   * @param given the certificates presented, leaf first (at least one)
   * @param trust the bundle's trust material
   * @param options the EKU, the time and the warning window
   */
  public static ChainResult build(
      List<ChainCandidate> given, TrustMaterial trust, Options options) {
    if (given.isEmpty()) {
      throw new IllegalArgumentException("no certificate to check");
    }
    return new ChainBuilder(trust, options).run(given);
  }

  private ChainResult run(List<ChainCandidate> given) {
    // The bundle's copy wins over a given one: trust comes from the bundle, not from the server.
    for (ChainCandidate c : trust.certificates()) {
      pool.putIfAbsent(c.sha1(), c);
    }
    for (ChainCandidate c : given.subList(1, given.size())) {
      pool.putIfAbsent(c.sha1(), c);
    }
    for (ChainCandidate c : pool.values()) {
      bySubject.computeIfAbsent(c.cert().getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    ChainCandidate leaf = pool.getOrDefault(given.get(0).sha1(), given.get(0));
    List<ChainCandidate> start = new ArrayList<>();
    start.add(leaf);
    search(start);

    List<Finding> extra = new ArrayList<>();
    if (steps > MAX_STEPS) {
      extra.add(
          new Finding(
              Finding.Severity.NOTE,
              "search-limit",
              OptionalInt.empty(),
              "the search stopped after "
                  + MAX_STEPS
                  + " paths; the certificates given and the bundle form an unusually large mesh"));
    }
    if (!complete.isEmpty()) {
      List<Scored> scored = new ArrayList<>();
      for (int i = 0; i < complete.size(); i++) {
        scored.add(new Scored(complete.get(i), evaluate(complete.get(i), true), i));
      }
      Scored best =
          scored.stream()
              .min(
                  Comparator.comparingLong((Scored s) -> s.count(Finding.Severity.ERROR))
                      .thenComparingLong(s -> s.count(Finding.Severity.WARNING))
                      .thenComparingInt(s -> s.path().size())
                      .thenComparingInt(Scored::order))
              .orElseThrow();
      return result(best.path(), Optional.empty(), best.findings(), given, extra);
    }
    List<Scored> scored = new ArrayList<>();
    for (int i = 0; i < deadEnds.size(); i++) {
      scored.add(new Scored(deadEnds.get(i).path(), evaluate(deadEnds.get(i).path(), false), i));
    }
    Scored best =
        scored.stream()
            .min(
                Comparator.comparingLong((Scored s) -> s.count(Finding.Severity.ERROR))
                    .thenComparingInt(s -> -s.path().size())
                    .thenComparingInt(Scored::order))
            .orElseThrow();
    return result(
        best.path(),
        Optional.of(deadEnds.get(best.order()).missing()),
        best.findings(),
        given,
        extra);
  }

  private ChainResult result(
      List<ChainCandidate> path,
      Optional<ChainResult.Missing> missing,
      List<Finding> findings,
      List<ChainCandidate> given,
      List<Finding> extra) {
    List<Finding> all = new ArrayList<>(findings);
    Set<String> used = new HashSet<>();
    path.forEach(c -> used.add(c.sha1()));
    for (int i = 1; i < given.size(); i++) {
      ChainCandidate g = given.get(i);
      if (!used.contains(g.sha1())) {
        all.add(
            new Finding(
                Finding.Severity.NOTE,
                "unused",
                OptionalInt.empty(),
                "\""
                    + CertExtensions.displayName(g.cert())
                    + "\" ("
                    + g.origin()
                    + ") was given but is not part of the chain"));
      }
    }
    all.addAll(extra);
    all.sort(Comparator.comparing(Finding::severity));
    List<ChainResult.Link> links = new ArrayList<>();
    for (ChainCandidate c : path) {
      links.add(
          new ChainResult.Link(
              c,
              c.source() == ChainCandidate.Source.CTL_ROOT
                  ? ctlEntry(c.sha1())
                  : Optional.empty()));
    }
    return new ChainResult(
        options.eku(), options.at(), options.warnWindow(), missing.isEmpty(), links, missing, all);
  }

  private void search(List<ChainCandidate> path) {
    if (++steps > MAX_STEPS) {
      if (deadEnds.isEmpty() && complete.isEmpty()) {
        deadEnds.add(new DeadEnd(List.copyOf(path), tooLong(path)));
      }
      return;
    }
    ChainCandidate cur = path.get(path.size() - 1);
    if (cur.source().anchor()) {
      complete.add(List.copyOf(path));
      return;
    }
    if (selfSigned(cur)) {
      // A presented copy of a root the bundle trusts (same name and key): the bundle's copy ends
      // it.
      for (ChainCandidate a :
          bySubject.getOrDefault(cur.cert().getSubjectX500Principal(), List.of())) {
        if (a.source().anchor()
            && Arrays.equals(
                a.cert().getPublicKey().getEncoded(), cur.cert().getPublicKey().getEncoded())) {
          List<ChainCandidate> p = new ArrayList<>(path.subList(0, path.size() - 1));
          p.add(a);
          complete.add(List.copyOf(p));
          return;
        }
      }
      deadEnds.add(new DeadEnd(List.copyOf(path), untrustedRoot(path)));
      return;
    }
    if (path.size() >= MAX_LENGTH) {
      deadEnds.add(new DeadEnd(List.copyOf(path), tooLong(path)));
      return;
    }
    List<String> nearMisses = new ArrayList<>();
    List<ChainCandidate> issuers = issuers(cur, path, nearMisses);
    if (issuers.isEmpty()) {
      deadEnds.add(new DeadEnd(List.copyOf(path), missingIssuer(path, nearMisses)));
      return;
    }
    for (ChainCandidate issuer : issuers) {
      path.add(issuer);
      search(path);
      path.remove(path.size() - 1);
    }
  }

  private List<ChainCandidate> issuers(
      ChainCandidate cur, List<ChainCandidate> path, List<String> nearMisses) {
    Optional<byte[]> aki = CertExtensions.authorityKeyId(cur.cert());
    List<ChainCandidate> out = new ArrayList<>();
    for (ChainCandidate c :
        bySubject.getOrDefault(cur.cert().getIssuerX500Principal(), List.of())) {
      if (path.stream().anyMatch(p -> p.sha1().equals(c.sha1()))) {
        continue;
      }
      Optional<byte[]> ski = CertExtensions.subjectKeyId(c.cert());
      if (aki.isPresent() && ski.isPresent() && !Arrays.equals(aki.get(), ski.get())) {
        nearMisses.add(
            c.origin()
                + " has the issuer's name but key identifier "
                + Hex.upper(ski.get())
                + ", not "
                + Hex.upper(aki.get()));
        continue;
      }
      if (!verifies(cur, c)) {
        nearMisses.add(
            c.origin()
                + " has the issuer's name but its key does not verify the signature of \""
                + CertExtensions.displayName(cur.cert())
                + "\"");
        continue;
      }
      out.add(c);
    }
    Instant at = options.at();
    out.sort(
        Comparator.comparing((ChainCandidate c) -> !validAt(c.cert(), at))
            .thenComparing(c -> !c.source().anchor())
            .thenComparing(c -> c.cert().getNotAfter(), Comparator.reverseOrder()));
    return out;
  }

  private List<Finding> evaluate(List<ChainCandidate> path, boolean complete) {
    List<Finding> out = new ArrayList<>();
    Instant at = options.at();
    ChainCandidate leaf = path.get(0);
    for (int i = 0; i < path.size(); i++) {
      ChainCandidate c = path.get(i);
      X509Certificate x = c.cert();
      String name = "\"" + CertExtensions.displayName(x) + "\"";
      boolean root = complete && i == path.size() - 1;
      Instant from = x.getNotBefore().toInstant();
      Instant to = x.getNotAfter().toInstant();
      if (at.isBefore(from)) {
        out.add(Finding.error("not-yet-valid", i, name + " is not valid until " + from));
      } else if (at.isAfter(to)) {
        out.add(
            Finding.error(
                "expired",
                i,
                name
                    + " expired on "
                    + to
                    + " ("
                    + Duration.between(to, at).toDays()
                    + " days ago)"));
      } else if (to.isBefore(at.plus(options.warnWindow()))) {
        out.add(
            Finding.warning(
                "expires-soon",
                i,
                name
                    + " expires on "
                    + to
                    + " (in "
                    + Duration.between(at, to).toDays()
                    + " days)"));
      }
      if (trust.disallowedSha1().contains(c.sha1())) {
        out.add(
            Finding.error(
                "disallowed",
                i,
                name
                    + " (SHA-1 "
                    + c.sha1()
                    + ") is in Microsoft's disallowed list: Windows distrusts it in any chain"));
      }
      if (i > 0 && !root) {
        caChecks(x, i, name, out);
      }
      if (!root) {
        ekuCheck(x, i, name, out);
      }
    }
    if (complete) {
      int r = path.size() - 1;
      ChainCandidate root = path.get(r);
      String rootName = CertExtensions.displayName(root.cert());
      if (root.source() == ChainCandidate.Source.CTL_ROOT) {
        ctlEntry(root.sha1())
            .ifPresent(
                e ->
                    out.addAll(
                        RootPolicy.check(
                            e,
                            r,
                            rootName,
                            options.eku(),
                            ekuName,
                            at,
                            options.warnWindow(),
                            leaf.cert().getNotBefore().toInstant(),
                            CertExtensions.displayName(leaf.cert()))));
      } else if (root.source() == ChainCandidate.Source.EXTRA_ROOT) {
        out.add(
            Finding.note(
                "private-root",
                r,
                "\""
                    + rootName
                    + "\" is a profile root that Microsoft's list does not carry: Windows clients"
                    + " trust it only where it is installed in their Root store (for example by"
                    + " Group Policy)"));
      }
    }
    return out;
  }

  private void caChecks(X509Certificate x, int i, String name, List<Finding> out) {
    int bc = x.getBasicConstraints();
    if (bc < 0) {
      out.add(
          Finding.error(
              "not-ca", i, name + " issues a certificate but is not a CA (basic constraints)"));
      return;
    }
    // RFC 5280 4.2.1.9: pathLen counts the non-self-issued intermediates below this CA.
    if (bc < i - 1) {
      out.add(
          Finding.error(
              "path-length",
              i,
              name + " allows " + bc + " CA(s) below it (pathLen) but the chain has " + (i - 1)));
    }
    boolean[] ku = x.getKeyUsage();
    if (ku != null && (ku.length < 6 || !ku[5])) {
      out.add(
          Finding.error(
              "key-usage",
              i,
              name + " may not sign certificates (its key usage lacks keyCertSign)"));
    }
  }

  private void ekuCheck(X509Certificate x, int i, String name, List<Finding> out) {
    List<String> ekus;
    try {
      ekus = x.getExtendedKeyUsage();
    } catch (CertificateParsingException | RuntimeException e) {
      out.add(Finding.error("eku", i, name + " has a malformed extended key usage extension"));
      return;
    }
    if (ekus != null
        && !ekus.contains(options.eku())
        && !ekus.contains(Oids.ANY_EXTENDED_KEY_USAGE)) {
      out.add(
          Finding.error(
              "eku",
              i,
              name
                  + " is not valid for "
                  + ekuName
                  + " (its extended key usages: "
                  + EkuNames.names(ekus)
                  + ")"));
    }
  }

  private ChainResult.Missing missingIssuer(List<ChainCandidate> path, List<String> nearMisses) {
    ChainCandidate cur = path.get(path.size() - 1);
    X500Principal issuer = cur.cert().getIssuerX500Principal();
    Optional<byte[]> aki = CertExtensions.authorityKeyId(cur.cert());
    Optional<CtlEntry> ctlRoot = ctlRootNamed(issuer, aki);
    return new ChainResult.Missing(
        ctlRoot.isPresent() ? ChainResult.Kind.CTL_ROOT : ChainResult.Kind.ISSUER,
        path.size() - 1,
        issuer,
        CertExtensions.hex(aki),
        CertExtensions.caIssuers(cur.cert()),
        ctlRoot,
        nearMisses);
  }

  private ChainResult.Missing untrustedRoot(List<ChainCandidate> path) {
    ChainCandidate cur = path.get(path.size() - 1);
    Optional<CtlEntry> listed = ctlEntry(cur.sha1());
    List<String> near = new ArrayList<>();
    if (cur.source() == ChainCandidate.Source.REMOVED_ROOT) {
      near.add(
          cur.origin()
              + " left Microsoft's authroot list: the bundle keeps it for the grace period only,"
              + " and Windows no longer trusts it");
    }
    return new ChainResult.Missing(
        listed.isPresent() ? ChainResult.Kind.CTL_ROOT : ChainResult.Kind.UNTRUSTED_ROOT,
        path.size() - 1,
        cur.cert().getSubjectX500Principal(),
        CertExtensions.hex(CertExtensions.subjectKeyId(cur.cert())),
        List.of(),
        listed,
        near);
  }

  private ChainResult.Missing tooLong(List<ChainCandidate> path) {
    ChainCandidate cur = path.get(path.size() - 1);
    return new ChainResult.Missing(
        ChainResult.Kind.TOO_LONG,
        path.size() - 1,
        cur.cert().getIssuerX500Principal(),
        CertExtensions.hex(CertExtensions.authorityKeyId(cur.cert())),
        CertExtensions.caIssuers(cur.cert()),
        Optional.empty(),
        List.of());
  }

  private Optional<CtlEntry> ctlEntry(String sha1) {
    return trust.authroot().flatMap(a -> a.entry(sha1));
  }

  /**
   * The list's root with this subject (attribute 29, MD5 of the DER name) and, when both are known,
   * this key identifier (attribute 20).
   */
  private Optional<CtlEntry> ctlRootNamed(X500Principal name, Optional<byte[]> keyId) {
    if (trust.authroot().isEmpty()) {
      return Optional.empty();
    }
    Ctl ctl = trust.authroot().get();
    byte[] md5 = Hex.digest("MD5", name.getEncoded());
    for (CtlEntry e : ctl.entries()) {
      if (e.subjectNameMd5().isEmpty() || !Arrays.equals(e.subjectNameMd5().get(), md5)) {
        continue;
      }
      if (keyId.isPresent()
          && e.keyIdentifier().isPresent()
          && !Arrays.equals(keyId.get(), e.keyIdentifier().get())) {
        continue;
      }
      return Optional.of(e);
    }
    return Optional.empty();
  }

  private boolean selfSigned(ChainCandidate c) {
    return c.cert().getSubjectX500Principal().equals(c.cert().getIssuerX500Principal())
        && verifies(c, c);
  }

  private boolean verifies(ChainCandidate child, ChainCandidate issuer) {
    return signatures.computeIfAbsent(
        child.sha1() + ">" + issuer.sha1(),
        k -> {
          try {
            child.cert().verify(issuer.cert().getPublicKey());
            return true;
          } catch (GeneralSecurityException | RuntimeException e) {
            return false;
          }
        });
  }

  private static boolean validAt(X509Certificate c, Instant at) {
    return !at.isBefore(c.getNotBefore().toInstant()) && !at.isAfter(c.getNotAfter().toInstant());
  }
}
