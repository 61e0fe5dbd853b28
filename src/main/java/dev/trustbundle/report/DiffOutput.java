package dev.trustbundle.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.report.Html.Fact;
import dev.trustbundle.report.Html.Fragment;
import dev.trustbundle.report.Html.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A {@link DiffReport} as text for people, JSON for scripts, and an HTML page. */
public final class DiffOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DiffOutput() {}

  // ---------------------------------------------------------------- text

  /** The text form: both sides, then per list its versions and every change. */
  public static String text(DiffReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append("trustbundle diff\n");
    side(sb, "old", r.before());
    side(sb, "new", r.after());
    r.notes().forEach(n -> row(sb, "note", n));
    for (CtlDiff d : r.lists()) {
      sb.append('\n').append(d.kind().label()).append('\n');
      row(
          sb,
          "sequence",
          d.before().map(CtlDiff.Version::sequenceNumber).orElse("(absent)")
              + " -> "
              + d.after().map(CtlDiff.Version::sequenceNumber).orElse("(absent)"));
      row(
          sb,
          "thisUpdate",
          d.before().map(v -> v.thisUpdate().toString()).orElse("(absent)")
              + " -> "
              + d.after().map(v -> v.thisUpdate().toString()).orElse("(absent)"));
      row(
          sb,
          "entries",
          d.before().map(v -> String.valueOf(v.entries())).orElse("0")
              + " -> "
              + d.after().map(v -> String.valueOf(v.entries())).orElse("0")
              + ": "
              + summary(d));
      for (CtlDiff.Entry e : d.added()) {
        entry(sb, '+', e.sha1(), e.friendlyName());
      }
      for (CtlDiff.Entry e : d.removed()) {
        entry(sb, '-', e.sha1(), e.friendlyName());
      }
      for (CtlDiff.Changed c : d.changed()) {
        entry(sb, '~', c.sha1(), c.friendlyName());
        c.changes().forEach(x -> sb.append("      ").append(TextReport.safe(x)).append('\n'));
      }
    }
    return sb.toString();
  }

  private static void side(StringBuilder sb, String label, FileReport f) {
    String what = f.format().name().toLowerCase(Locale.ROOT);
    if (f.list().isPresent()) {
      what += ", " + f.kind() + " list";
    }
    if (f.bundle().isPresent()) {
      var m = f.bundle().get().manifest();
      what += " " + m.bundleId() + ", sequence " + m.sequence() + ", created " + m.created();
    }
    row(sb, label, f.file() + "  (" + what + ")");
    row(sb, "", "verification: " + f.status());
    for (String p : DiffReport.problems(f)) {
      row(sb, "", "  " + p);
    }
  }

  private static void entry(StringBuilder sb, char mark, String id, Optional<String> name) {
    sb.append("  ")
        .append(mark)
        .append(' ')
        .append(id)
        .append("  ")
        .append(TextReport.safe(name.orElse("(no name)")))
        .append('\n');
  }

  private static String summary(CtlDiff d) {
    return d.added().size()
        + " added, "
        + d.removed().size()
        + " removed, "
        + d.changed().size()
        + " changed";
  }

  private static void row(StringBuilder sb, String label, String value) {
    sb.append(String.format("  %-15s %s%n", label, TextReport.safe(value)));
  }

  // ---------------------------------------------------------------- JSON

  /**
   * One JSON object: {@code old} and {@code new} (file, format, status, verified, problems, and for
   * bundles the bundle id, sequence and created), {@code identical}, {@code notes}, and {@code
   * lists} by kind, each with {@code old} and {@code new} ({@code sequenceNumber}, {@code
   * thisUpdate}, {@code entries}; null when absent), {@code added} and {@code removed} ({@code
   * [{sha1, friendlyName}]}) and {@code changed} ({@code [{sha1, friendlyName, changes}]}).
   */
  public static String json(DiffReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.set("old", side(r.before()));
    o.set("new", side(r.after()));
    o.put("identical", r.identical());
    o.put("evaluatedAt", r.evaluatedAt().toString());
    ArrayNode notes = o.putArray("notes");
    r.notes().forEach(notes::add);
    ObjectNode lists = o.putObject("lists");
    for (CtlDiff d : r.lists()) {
      ObjectNode l = lists.putObject(d.kind().label());
      version(l, "old", d.before());
      version(l, "new", d.after());
      entries(l.putArray("added"), d.added());
      entries(l.putArray("removed"), d.removed());
      ArrayNode ch = l.putArray("changed");
      for (CtlDiff.Changed c : d.changed()) {
        ObjectNode n = ch.addObject();
        n.put("sha1", c.sha1());
        n.put("friendlyName", c.friendlyName().orElse(null));
        ArrayNode t = n.putArray("changes");
        c.changes().forEach(t::add);
      }
    }
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON rendering failed", e);
    }
  }

  private static ObjectNode side(FileReport f) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("file", f.file());
    n.put("format", f.format().name().toLowerCase(Locale.ROOT));
    n.put("kind", f.kind());
    n.put("status", f.status().name().toLowerCase(Locale.ROOT));
    n.put("verified", f.status() == FileReport.Status.VALID);
    ArrayNode p = n.putArray("problems");
    DiffReport.problems(f).forEach(p::add);
    f.verification().ifPresent(v -> n.put("signer", v.signer().orElse(null)));
    f.bundle()
        .ifPresent(
            b -> {
              ObjectNode bn = n.putObject("bundle");
              bn.put("bundleId", b.manifest().bundleId());
              bn.put("sequence", b.manifest().sequence());
              bn.put("created", b.manifest().created());
              bn.put("expires", b.manifest().expires());
              bn.put("signer", b.signer());
            });
    return n;
  }

  private static void version(ObjectNode l, String field, Optional<CtlDiff.Version> v) {
    if (v.isEmpty()) {
      l.putNull(field);
      return;
    }
    ObjectNode n = l.putObject(field);
    n.put("sequenceNumber", v.get().sequenceNumber());
    n.put("thisUpdate", v.get().thisUpdate().toString());
    n.put("entries", v.get().entries());
  }

  private static void entries(ArrayNode a, List<CtlDiff.Entry> entries) {
    for (CtlDiff.Entry e : entries) {
      a.addObject().put("sha1", e.sha1()).put("friendlyName", e.friendlyName().orElse(null));
    }
  }

  // ---------------------------------------------------------------- HTML

  /** A self-contained HTML page (see {@link Html}). */
  public static String html(DiffReport r) {
    Html.Page p =
        new Html.Page("Trust list changes")
            .subtitle(r.before().file() + "  \u2192  " + r.after().file());
    if (r.bothVerified()) {
      p.status(Tone.OK, "both sides verified", "verdict");
    } else {
      p.status(Tone.BAD, "NOT VERIFIED", "verdict");
    }
    for (CtlDiff d : r.lists()) {
      String k = d.kind().label();
      String noun = d.kind() == CtlKind.AUTHROOT ? "roots" : kindTitle(d.kind()).toLowerCase();
      p.stat(k + "-added-count", String.valueOf(d.added().size()), noun + " added", Tone.ADDED);
      p.stat(
          k + "-removed-count",
          String.valueOf(d.removed().size()),
          noun + " removed",
          Tone.REMOVED);
      if (d.kind() == CtlKind.AUTHROOT || !d.changed().isEmpty()) {
        p.stat(
            k + "-changed-count",
            String.valueOf(d.changed().size()),
            noun + " changed",
            Tone.CHANGED);
      }
    }
    p.callout("notes", Tone.INFO, r.notes());

    p.heading("Compared files", "files");
    List<List<Fragment>> sides = new ArrayList<>();
    sides.add(sideRow("OLD", r.before()));
    sides.add(sideRow("NEW", r.after()));
    p.table("sides", List.of("Side", "File", "Verification"), sides, "");

    for (CtlDiff d : r.lists()) {
      listSection(p, d, "");
    }
    p.footer(
        "trustbundle diff \u00b7 signatures evaluated at "
            + r.evaluatedAt()
            + " \u00b7 a side that does not verify is still compared; check it with trustbundle"
            + " inspect");
    return p.render();
  }

  /**
   * One list's section: its two versions, then tables of removed, added and changed entries with
   * the ids {@code <prefix><kind>-removed}, {@code -added} and {@code -changed}.
   */
  static void listSection(Html.Page p, CtlDiff d, String idPrefix) {
    String k = idPrefix + d.kind().label();
    p.heading(
        kindTitle(d.kind()) + " (" + d.kind().label() + ")",
        k,
        d.identical() ? Html.badge(Tone.NEUTRAL, "no changes") : Html.badge(Tone.INFO, summary(d)));
    p.facts(
        k + "-versions",
        List.of(
            new Fact(
                "Sequence number",
                arrow(
                    d.before().map(v -> Html.code(v.sequenceNumber())),
                    d.after().map(v -> Html.code(v.sequenceNumber())))),
            new Fact(
                "thisUpdate",
                arrow(
                    d.before().map(v -> Html.text(v.thisUpdate().toString())),
                    d.after().map(v -> Html.text(v.thisUpdate().toString())))),
            new Fact(
                "Entries",
                arrow(
                    d.before().map(v -> Html.text(String.valueOf(v.entries()))),
                    d.after().map(v -> Html.text(String.valueOf(v.entries())))))));
    if (d.identical()) {
      p.paragraph(Html.muted("No entry added, removed or changed."));
      return;
    }
    String id = d.kind() == CtlKind.AUTHROOT ? "SHA-1" : "Identifier";
    entries(p, k + "-removed", "Removed", Tone.REMOVED, id, d.removed());
    entries(p, k + "-added", "Added", Tone.ADDED, id, d.added());
    p.subheading("Changed", Html.badge(Tone.CHANGED, String.valueOf(d.changed().size())));
    p.table(
        k + "-changed",
        List.of("", "Friendly name and " + id, "What changed"),
        d.changed().stream()
            .map(
                c ->
                    List.of(
                        Html.badge(Tone.CHANGED, "changed"),
                        Html.join(name(c.friendlyName()), Html.id(c.sha1())),
                        Html.bullets("changes", c.changes())))
            .toList(),
        "No entry changed.");
  }

  private static void entries(
      Html.Page p, String tableId, String title, Tone tone, String id, List<CtlDiff.Entry> list) {
    String word = title.toLowerCase(Locale.ROOT);
    p.subheading(title, Html.badge(tone, String.valueOf(list.size())));
    p.table(
        tableId,
        List.of("", "Friendly name", id),
        list.stream()
            .map(e -> List.of(Html.badge(tone, word), name(e.friendlyName()), Html.code(e.sha1())))
            .toList(),
        "Nothing " + word + ".");
  }

  private static List<Fragment> sideRow(String role, FileReport f) {
    List<Fragment> what = new ArrayList<>();
    what.add(Html.text(f.format().name().toLowerCase(Locale.ROOT) + ", " + f.kind()));
    f.list()
        .ifPresent(
            l ->
                what.add(
                    Html.join(
                        Html.muted("sequence"),
                        Html.code(l.ctl().sequenceNumber().map(s -> s.hex()).orElse("-")))));
    f.bundle()
        .ifPresent(
            b -> {
              what.add(Html.join(Html.muted("bundle"), Html.code(b.manifest().bundleId())));
              what.add(
                  Html.text(
                      "sequence "
                          + b.manifest().sequence()
                          + ", created "
                          + b.manifest().created()));
            });
    List<String> problems = DiffReport.problems(f);
    Fragment verdict =
        f.status() == FileReport.Status.VALID
            ? Html.badge(Tone.OK, "verified")
            : Html.badge(Tone.BAD, f.status().name().toLowerCase(Locale.ROOT));
    Fragment v =
        problems.isEmpty()
            ? verdict
            : Html.join(List.of(verdict, Html.bullets("problems", problems)), " ");
    what.add(0, Html.path(f.file()));
    return List.of(Html.strong(role), Html.lines(what), v);
  }

  private static Fragment arrow(Optional<Fragment> a, Optional<Fragment> b) {
    Fragment absent = Html.muted("(absent)");
    return Html.join(List.of(a.orElse(absent), b.orElse(absent)), "  \u2192  ");
  }

  private static Fragment name(Optional<String> n) {
    return n.map(Html::text).orElse(Html.muted("(no name)"));
  }

  static String kindTitle(CtlKind k) {
    return switch (k) {
      case AUTHROOT -> "Trusted roots";
      case DISALLOWEDCERT -> "Disallowed certificates";
      case PINRULES -> "Pin rules";
    };
  }
}
