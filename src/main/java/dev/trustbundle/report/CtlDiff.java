package dev.trustbundle.report;

import dev.trustbundle.ctl.CertPolicy;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.Oids;
import dev.trustbundle.ctl.RawAttribute;
import dev.trustbundle.error.MalformedInputException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * What changed between two versions of one of Microsoft's lists: entries added and removed, and for
 * entries in both, each attribute change in words a person can act on ("EKU removed: Server
 * Authentication (1.3.6.1.5.5.7.3.1)", "disable date set for the whole root: 2025-09-15"). Pure:
 * lists in, words out.
 *
 * @param kind which list
 * @param before the old version, empty when that side does not have this list
 * @param after the new version, likewise
 * @param added entries only in the new version
 * @param removed entries only in the old version
 * @param changed entries in both whose attributes differ
 */
public record CtlDiff(
    CtlKind kind,
    Optional<Version> before,
    Optional<Version> after,
    List<Entry> added,
    List<Entry> removed,
    List<Changed> changed) {

  public CtlDiff {
    Objects.requireNonNull(kind, "kind");
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
  }

  /**
   * One version of a list.
   *
   * @param sequenceNumber upper-case hex, or empty when the list has none
   * @param thisUpdate when it was issued
   * @param entries how many entries it has
   */
  public record Version(String sequenceNumber, Instant thisUpdate, int entries) {
    static Version of(Ctl c) {
      return new Version(
          c.sequenceNumber().map(s -> s.hex()).orElse(""), c.thisUpdate(), c.entries().size());
    }
  }

  /**
   * An entry added or removed.
   *
   * @param sha1 the entry identifier in upper-case hex: a root's SHA-1 in the authroot list, a
   *     16-byte hash in the disallowed list
   * @param friendlyName the entry's friendly name, else the certificate's subject CN when the
   *     certificate is at hand, else empty
   */
  public record Entry(String sha1, Optional<String> friendlyName) {
    public Entry {
      Objects.requireNonNull(sha1, "sha1");
      Objects.requireNonNull(friendlyName, "friendlyName");
    }
  }

  /**
   * An entry whose attributes changed.
   *
   * @param sha1 the entry identifier
   * @param friendlyName its (new) friendly name, as for {@link Entry}
   * @param changes each change in words
   */
  public record Changed(String sha1, Optional<String> friendlyName, List<String> changes) {
    public Changed {
      Objects.requireNonNull(sha1, "sha1");
      Objects.requireNonNull(friendlyName, "friendlyName");
      changes = List.copyOf(changes);
    }
  }

  /** Whether nothing was added, removed or changed. */
  public boolean identical() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  /**
   * Compares two versions of a list.
   *
   * @param kind which list
   * @param before the old version (empty: absent on that side)
   * @param after the new version (empty: absent on that side)
   * @param beforeCertificates the DER certificate for an entry identifier on the old side, used for
   *     names when an entry has no friendly name
   * @param afterCertificates likewise on the new side
   */
  public static CtlDiff compare(
      CtlKind kind,
      Optional<Ctl> before,
      Optional<Ctl> after,
      Function<String, Optional<byte[]>> beforeCertificates,
      Function<String, Optional<byte[]>> afterCertificates) {
    Map<String, CtlEntry> old = new LinkedHashMap<>();
    before.ifPresent(c -> c.entries().forEach(e -> old.putIfAbsent(e.identifierHex(), e)));
    Set<String> seen = new LinkedHashSet<>();
    List<Entry> added = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    for (CtlEntry e : after.map(Ctl::entries).orElse(List.of())) {
      String id = e.identifierHex();
      if (!seen.add(id)) {
        continue;
      }
      CtlEntry o = old.get(id);
      if (o == null) {
        added.add(new Entry(id, name(e, afterCertificates)));
      } else {
        List<String> c = changes(o, e);
        if (!c.isEmpty()) {
          changed.add(new Changed(id, name(e, afterCertificates), c));
        }
      }
    }
    List<Entry> removed = new ArrayList<>();
    for (CtlEntry o : old.values()) {
      if (!seen.contains(o.identifierHex())) {
        removed.add(new Entry(o.identifierHex(), name(o, beforeCertificates)));
      }
    }
    Comparator<Optional<String>> byName =
        Comparator.comparing(n -> n.map(s -> s.toLowerCase(Locale.ROOT)).orElse("\uffff"));
    added.sort(Comparator.comparing(Entry::friendlyName, byName).thenComparing(Entry::sha1));
    removed.sort(Comparator.comparing(Entry::friendlyName, byName).thenComparing(Entry::sha1));
    changed.sort(Comparator.comparing(Changed::friendlyName, byName).thenComparing(Changed::sha1));
    return new CtlDiff(
        kind, before.map(Version::of), after.map(Version::of), added, removed, changed);
  }

  /** The friendly name, else the subject CN of the certificate when it is at hand. */
  private static Optional<String> name(CtlEntry e, Function<String, Optional<byte[]>> certs) {
    if (e.friendlyName().isPresent() && !e.friendlyName().get().isBlank()) {
      return e.friendlyName();
    }
    return certs.apply(e.identifierHex()).flatMap(CtlDiff::commonName);
  }

  /** The subject's common name (or the whole subject when it has none) of a DER certificate. */
  static Optional<String> commonName(byte[] der) {
    try {
      X500Name subject =
          X500Name.getInstance(
              Certificates.parse(der, "certificate").getSubjectX500Principal().getEncoded());
      RDN[] cn = subject.getRDNs(BCStyle.CN);
      if (cn.length > 0 && cn[0].getFirst() != null) {
        return Optional.of(IETFUtils.valueToString(cn[0].getFirst().getValue()));
      }
      return Optional.of(subject.toString()).filter(s -> !s.isEmpty());
    } catch (MalformedInputException | IllegalArgumentException e) {
      // A certificate that does not parse names nothing; the entry keeps its identifier.
      return Optional.empty();
    }
  }

  /**
   * The changes from one version of an entry to the next, in words; empty when the entry is the
   * same. EKU and policy lists are compared as sets: Microsoft reorders them between versions.
   */
  public static List<String> changes(CtlEntry a, CtlEntry b) {
    List<String> out = new ArrayList<>();
    ekus(out, a.ekus(), b.ekus());
    cutoff(
        out,
        "disable date",
        a.disabledAfter(),
        a.disallowedEkus(),
        b.disabledAfter(),
        b.disallowedEkus());
    cutoff(
        out, "NotBefore date", a.notBefore(), a.notBeforeEkus(), b.notBefore(), b.notBeforeEkus());
    policies(out, a.rootProgramPolicies(), b.rootProgramPolicies());
    if (!a.friendlyName().equals(b.friendlyName())) {
      out.add(
          "friendly name "
              + (a.friendlyName().isEmpty()
                  ? "set to \"" + b.friendlyName().get() + "\""
                  : b.friendlyName().isEmpty()
                      ? "removed (was \"" + a.friendlyName().get() + "\")"
                      : "changed from \""
                          + a.friendlyName().get()
                          + "\" to \""
                          + b.friendlyName().get()
                          + "\""));
    }
    oidSet(
        out,
        "root-program chain policy",
        a.chainPolicies().orElse(List.of()),
        b.chainPolicies().orElse(List.of()),
        Function.identity());
    bytes(out, "SHA-256 attribute (98)", a.sha256(), b.sha256());
    bytes(out, "key identifier (20)", a.keyIdentifier(), b.keyIdentifier());
    bytes(out, "subject name MD5 (29)", a.subjectNameMd5(), b.subjectNameMd5());
    others(out, a.otherAttributes(), b.otherAttributes());
    return out;
  }

  private static void ekus(List<String> out, Optional<List<String>> a, Optional<List<String>> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return;
    }
    if (a.isEmpty()) {
      out.add(
          "EKUs restricted to "
              + Ekus.describeAll(b.get())
              + " (was: every purpose, no EKU attribute)");
      return;
    }
    if (b.isEmpty()) {
      out.add("EKU restriction removed: now trusted for every purpose");
      return;
    }
    oidSet(out, "EKU", a.get(), b.get(), Ekus::describe);
  }

  private static void oidSet(
      List<String> out,
      String what,
      List<String> a,
      List<String> b,
      Function<String, String> describe) {
    Set<String> before = new LinkedHashSet<>(a);
    Set<String> after = new LinkedHashSet<>(b);
    for (String o : before) {
      if (!after.contains(o)) {
        out.add(what + " removed: " + describe.apply(o));
      }
    }
    for (String o : after) {
      if (!before.contains(o)) {
        out.add(what + " added: " + describe.apply(o));
      }
    }
  }

  /**
   * A cut-off date (disable 104 with its EKUs 122, or NotBefore 126 with its EKUs 127): set,
   * removed, moved, or applied to other EKUs. Without an EKU attribute the date applies to the
   * whole root (reference 3.3).
   */
  private static void cutoff(
      List<String> out,
      String label,
      Optional<CutoffDate> da,
      Optional<List<String>> ea,
      Optional<CutoffDate> db,
      Optional<List<String>> eb) {
    boolean sameDate = da.map(CutoffDate::describe).equals(db.map(CutoffDate::describe));
    boolean sameScope =
        ea.map(LinkedHashSet::new)
            .map(Set::copyOf)
            .equals(eb.map(LinkedHashSet::new).map(Set::copyOf));
    if (sameDate && sameScope) {
      return;
    }
    if (da.isEmpty() && db.isEmpty()) {
      out.add(label + " EKUs changed from " + scope(ea) + " to " + scope(eb) + " (no date set)");
    } else if (da.isEmpty()) {
      out.add(label + " set " + scopeFor(eb) + ": " + date(db.get()));
    } else if (db.isEmpty()) {
      out.add(label + " removed (was " + date(da.get()) + " " + scopeFor(ea) + ")");
    } else if (sameScope) {
      out.add(
          label + " " + scopeFor(eb) + " changed from " + date(da.get()) + " to " + date(db.get()));
    } else if (sameDate) {
      out.add(label + " " + date(db.get()) + " " + scopeChange(ea, eb));
    } else {
      out.add(
          label
              + " changed from "
              + date(da.get())
              + " to "
              + date(db.get())
              + " and "
              + scopeChange(ea, eb));
    }
  }

  private static String scope(Optional<List<String>> ekus) {
    return ekus.map(Ekus::describeAll).orElse("the whole root");
  }

  private static String scopeFor(Optional<List<String>> ekus) {
    return ekus.map(e -> "for " + Ekus.describeAll(e)).orElse("for the whole root");
  }

  private static String scopeChange(Optional<List<String>> a, Optional<List<String>> b) {
    if (a.isEmpty()) {
      return "now applies only to " + Ekus.describeAll(b.orElseThrow()) + " (was: the whole root)";
    }
    if (b.isEmpty()) {
      return "now applies to the whole root (was: " + Ekus.describeAll(a.get()) + ")";
    }
    List<String> more = b.get().stream().filter(o -> !a.get().contains(o)).distinct().toList();
    List<String> less = a.get().stream().filter(o -> !b.get().contains(o)).distinct().toList();
    List<String> parts = new ArrayList<>();
    if (!more.isEmpty()) {
      parts.add("now also applies to " + Ekus.describeAll(more));
    }
    if (!less.isEmpty()) {
      parts.add("no longer applies to " + Ekus.describeAll(less));
    }
    return String.join(" and ", parts);
  }

  /** A date, without the time when it is midnight UTC (Microsoft's dates are). */
  static String date(CutoffDate d) {
    if (d instanceof CutoffDate.At at) {
      Instant i = at.instant();
      return i.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)
          ? i.toString().substring(0, 10)
          : i.toString();
    }
    return "empty (applies to every certificate, whatever its date)";
  }

  private static void policies(
      List<String> out, Optional<List<CertPolicy>> a, Optional<List<CertPolicy>> b) {
    Map<String, List<String>> before = new LinkedHashMap<>();
    a.orElse(List.of()).forEach(p -> before.putIfAbsent(p.oid(), p.qualifierOids()));
    Map<String, List<String>> after = new LinkedHashMap<>();
    b.orElse(List.of()).forEach(p -> after.putIfAbsent(p.oid(), p.qualifierOids()));
    oidSet(
        out,
        "EV policy",
        List.copyOf(before.keySet()),
        List.copyOf(after.keySet()),
        CtlDiff::policyName);
    for (Map.Entry<String, List<String>> e : after.entrySet()) {
      List<String> q = before.get(e.getKey());
      if (q != null && !Set.copyOf(q).equals(Set.copyOf(e.getValue()))) {
        out.add(
            "EV policy "
                + policyName(e.getKey())
                + ": root-program qualifiers changed from "
                + q
                + " to "
                + e.getValue());
      }
    }
  }

  private static String policyName(String oid) {
    return switch (oid) {
      case "2.23.140.1.1" -> "CA/Browser Forum EV TLS (2.23.140.1.1)";
      case "2.23.140.1.3" -> "CA/Browser Forum EV Code Signing (2.23.140.1.3)";
      default -> oid;
    };
  }

  private static void bytes(List<String> out, String what, Optional<byte[]> a, Optional<byte[]> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return;
    }
    if (a.isEmpty()) {
      out.add(what + " added: " + Hex.upper(b.get()));
    } else if (b.isEmpty()) {
      out.add(what + " removed (was " + Hex.upper(a.get()) + ")");
    } else if (!Arrays.equals(a.get(), b.get())) {
      out.add(what + " changed from " + Hex.upper(a.get()) + " to " + Hex.upper(b.get()));
    }
  }

  /** Attributes with no decoder, named by their OID (reference 3.3 gives the property IDs). */
  private static void others(List<String> out, List<RawAttribute> a, List<RawAttribute> b) {
    Map<String, List<String>> before = raw(a);
    Map<String, List<String>> after = raw(b);
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      List<String> now = after.get(e.getKey());
      if (now == null) {
        out.add(attributeName(e.getKey()) + " removed");
      } else if (!now.equals(e.getValue())) {
        out.add(attributeName(e.getKey()) + " changed");
      }
    }
    for (String oid : after.keySet()) {
      if (!before.containsKey(oid)) {
        out.add(attributeName(oid) + " added");
      }
    }
  }

  private static Map<String, List<String>> raw(List<RawAttribute> attrs) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (RawAttribute r : attrs) {
      m.computeIfAbsent(r.oid(), k -> new ArrayList<>())
          .addAll(r.values().stream().map(Hex::upper).toList());
    }
    return m;
  }

  private static String attributeName(String oid) {
    if (oid.startsWith(Oids.CERT_PROP_PREFIX)) {
      return "attribute "
          + oid
          + " (property "
          + oid.substring(Oids.CERT_PROP_PREFIX.length())
          + ")";
    }
    return "attribute " + oid;
  }
}
