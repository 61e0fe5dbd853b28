package dev.trustbundle.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.verify.CertExtensions;
import dev.trustbundle.verify.ChainCandidate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every root, intermediate and CRL of a bundle by time left ({@code check --expiring}): expired
 * first, then soonest; a CRL without nextUpdate last.
 */
public final class Expiring {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Expiring() {}

  /** What an item is. */
  public enum Kind {
    ROOT("root"),
    REMOVED_ROOT("removed-root"),
    PROFILE_ROOT("profile-root"),
    INTERMEDIATE("intermediate"),
    CRL("crl");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /**
     * Whether the profile carries it, so that its expiry is the administrator's to fix: Microsoft's
     * roots stay listed after they expire (for old time-stamped signatures), so theirs is not.
     */
    public boolean profile() {
      return this == PROFILE_ROOT || this == INTERMEDIATE || this == CRL;
    }
  }

  /**
   * One item.
   *
   * @param kind what it is
   * @param name its subject's short name, or a CRL's issuer
   * @param id a certificate's SHA-1 or a CRL's URL
   * @param path where it is in the bundle
   * @param until notAfter, or a CRL's nextUpdate (absent when the CRL has none)
   */
  public record Item(Kind kind, String name, String id, String path, Optional<Instant> until) {
    public Item {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(until, "until");
    }

    /** Whole days from {@code at} to the end, negative once past; empty without an end. */
    public Optional<Long> daysLeft(Instant at) {
      return until.map(u -> Duration.between(at, u).toDays());
    }
  }

  /** Every item of a bundle, sorted by time left. */
  public static List<Item> of(BundleTrust trust) {
    List<Item> out = new ArrayList<>();
    for (ChainCandidate c : trust.material().certificates()) {
      Kind k =
          switch (c.source()) {
            case CTL_ROOT -> Kind.ROOT;
            case REMOVED_ROOT -> Kind.REMOVED_ROOT;
            case EXTRA_ROOT -> Kind.PROFILE_ROOT;
            case INTERMEDIATE, GIVEN -> Kind.INTERMEDIATE;
          };
      out.add(
          new Item(
              k,
              CertExtensions.displayName(c.cert()),
              c.sha1(),
              c.origin(),
              Optional.of(c.cert().getNotAfter().toInstant())));
    }
    for (BundleTrust.Crl crl : trust.crls()) {
      out.add(new Item(Kind.CRL, crl.issuer(), crl.url(), crl.path(), crl.nextUpdate()));
    }
    out.sort(
        Comparator.comparing((Item i) -> i.until().orElse(Instant.MAX)).thenComparing(Item::path));
    return out;
  }

  /** OK, EXPIRING (a profile item ends within the window) or FAIL (a profile item has ended). */
  public static dev.trustbundle.verify.ChainResult.Verdict verdict(
      List<Item> items, Instant at, Duration window) {
    boolean soon = false;
    for (Item i : items) {
      if (!i.kind().profile() || i.until().isEmpty()) {
        continue;
      }
      if (i.until().get().isBefore(at)) {
        return dev.trustbundle.verify.ChainResult.Verdict.FAIL;
      }
      soon |= i.until().get().isBefore(at.plus(window));
    }
    return soon
        ? dev.trustbundle.verify.ChainResult.Verdict.EXPIRING
        : dev.trustbundle.verify.ChainResult.Verdict.OK;
  }

  /** A table for people. */
  public static String text(String what, List<Item> items, Instant at, Duration window) {
    StringBuilder sb = new StringBuilder();
    long expired = items.stream().filter(i -> i.until().filter(at::isAfter).isPresent()).count();
    long soon =
        items.stream()
            .filter(
                i ->
                    i.until()
                        .filter(u -> !at.isAfter(u) && u.isBefore(at.plus(window)))
                        .isPresent())
            .count();
    sb.append(TextReport.safe(what))
        .append(": ")
        .append(items.size())
        .append(" roots, intermediates and CRLs at ")
        .append(at)
        .append("; ")
        .append(expired)
        .append(" expired, ")
        .append(soon)
        .append(" expiring within ")
        .append(window.toDays())
        .append(" days\n");
    sb.append(
        String.format(
            "  %7s  %-20s  %-12s  %-44s  %s\n", "days", "ends", "kind", "name", "SHA-1 or URL"));
    for (Item i : items) {
      String days = i.daysLeft(at).map(String::valueOf).orElse("-");
      String mark = "";
      if (i.until().isPresent() && at.isAfter(i.until().get())) {
        mark = "  EXPIRED";
      } else if (i.until().isPresent() && i.until().get().isBefore(at.plus(window))) {
        mark = "  expiring";
      }
      sb.append(
          String.format(
              "  %7s  %-20s  %-12s  %-44s  %s%s\n",
              days,
              i.until().map(Instant::toString).orElse("no nextUpdate"),
              i.kind().label(),
              TextReport.safe(clip(i.name(), 44)),
              TextReport.safe(i.id()),
              mark));
    }
    return sb.toString();
  }

  /** The JSON form: {@code at}, {@code warnDays}, {@code items} sorted by time left. */
  public static ObjectNode json(String what, List<Item> items, Instant at, Duration window) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("source", what);
    o.put("at", at.toString());
    o.put("warnDays", window.toDays());
    o.put("verdict", verdict(items, at, window).name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode a = o.putArray("items");
    for (Item i : items) {
      ObjectNode n = a.addObject();
      n.put("kind", i.kind().label());
      n.put("name", i.name());
      if (i.kind() == Kind.CRL) {
        n.put("url", i.id());
      } else {
        n.put("sha1", i.id());
      }
      n.put("path", i.path());
      if (i.until().isPresent()) {
        n.put(i.kind() == Kind.CRL ? "nextUpdate" : "notAfter", i.until().get().toString());
        n.put("daysLeft", i.daysLeft(at).orElseThrow());
        n.put("expired", at.isAfter(i.until().get()));
        n.put(
            "expiring", !at.isAfter(i.until().get()) && i.until().get().isBefore(at.plus(window)));
      } else {
        n.putNull("nextUpdate");
      }
      n.put("profileItem", i.kind().profile());
    }
    return o;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "~";
  }
}
