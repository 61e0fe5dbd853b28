package dev.trustbundle.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.report.Html;
import dev.trustbundle.store.StateStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** /status (HTML for people), /status.json and /healthz. */
final class StatusPages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StateStore store;
  private final Clock clock;
  private final Versions versions;

  /**
   * The history fields shown to clients: ids, times and reasons, never local paths (a refused
   * bundle's {@code file} is where it was on this host).
   */
  private static final List<String> SHOWN =
      List.of("time", "action", "bundleId", "sequence", "from", "created", "expires", "reason");

  /** An absolute local path in a reason: Unix, or Windows with a drive or a share. */
  private static final java.util.regex.Pattern LOCAL_PATH =
      java.util.regex.Pattern.compile(
          "(?<![\\w.:/])(?:/[^\\s/;,()'\"]+){2,}/?|\\b[A-Za-z]:\\\\[^\\s;,()'\"]*|\\\\\\\\[^\\s;,()'\"]+");

  StatusPages(StateStore store, Clock clock, Versions versions) {
    this.store = store;
    this.clock = clock;
    this.versions = versions;
  }

  boolean health(Snapshot snap, Response response, Callback callback, boolean head) {
    String problem = problem(snap);
    return write(
        response,
        callback,
        problem == null ? 200 : 503,
        "text/plain; charset=utf-8",
        problem == null ? "ok " + snap.id() + "\n" : problem + "\n",
        head);
  }

  private String problem(Snapshot snap) {
    if (snap == null) {
      return versions
          .activeFailure()
          .map(f -> "version " + f.bundleId() + " is not served: " + hidePaths(f.reason()))
          .orElse("no bundle imported");
    }
    if (Instant.parse(snap.manifest().expires()).isBefore(clock.instant())) {
      return "the bundle expired on " + snap.manifest().expires();
    }
    return null;
  }

  ObjectNode model(Snapshot snap) {
    ObjectNode o = JSON.createObjectNode();
    Instant now = clock.instant();
    o.put("healthy", problem(snap) == null);
    String p = problem(snap);
    if (p != null) {
      o.put("problem", p);
    }
    if (snap != null) {
      Manifest m = snap.manifest();
      ObjectNode a = o.putObject("active");
      a.put("bundleId", m.bundleId());
      a.put("sequence", m.sequence());
      a.put("created", m.created());
      a.put("expires", m.expires());
      a.put("ageDays", Duration.between(Instant.parse(m.created()), now).toDays());
      a.put("expiresInDays", Duration.between(now, Instant.parse(m.expires())).toDays());
      a.put("files", m.files().size());
      a.set("lists", JSON.valueToTree(m.lists()));
      a.set("warnings", JSON.valueToTree(m.warnings()));
    }
    versions.activeFailure().ifPresent(f -> o.set("notServed", failure(f)));
    versions.scrubProblem().ifPresent(f -> o.set("scrubProblem", failure(f)));
    versions.lastScrub().ifPresent(t -> o.put("lastScrub", t.toString()));
    var failed = o.putArray("failedVersions");
    for (Versions.Failure f : versions.failures()) {
      failed.add(failure(f));
    }
    List<JsonNode> h = store.history();
    var shown = o.putArray("history");
    for (JsonNode e : h.subList(Math.max(0, h.size() - 10), h.size())) {
      shown.add(shown(e));
    }
    return o;
  }

  private static ObjectNode failure(Versions.Failure f) {
    ObjectNode n = JSON.createObjectNode();
    n.put("bundleId", f.bundleId());
    n.put("reason", hidePaths(f.reason()));
    n.put("time", f.time().toString());
    return n;
  }

  /** A history entry as clients see it: the fields in {@link #SHOWN}, reasons without paths. */
  static ObjectNode shown(JsonNode entry) {
    ObjectNode out = JSON.createObjectNode();
    for (String f : SHOWN) {
      JsonNode v = entry.get(f);
      if (v != null && v.isValueNode()) {
        out.set(f, v.isTextual() ? JSON.getNodeFactory().textNode(hidePaths(v.asText())) : v);
      }
    }
    return out;
  }

  /** The text with each absolute local path replaced by its last name. */
  static String hidePaths(String s) {
    java.util.regex.Matcher m = LOCAL_PATH.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String p = m.group().replaceAll("[/\\\\]+$", "");
      int cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
      m.appendReplacement(
          sb, java.util.regex.Matcher.quoteReplacement("\u2026/" + p.substring(cut + 1)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  boolean json(Snapshot snap, Response response, Callback callback, boolean head) {
    return write(response, callback, 200, "application/json", model(snap).toString(), head);
  }

  boolean html(Snapshot snap, Response response, Callback callback, boolean head) {
    return write(response, callback, 200, "text/html; charset=utf-8", page(model(snap)), head);
  }

  /** The /status page for people: the same facts as /status.json, in the shared HTML style. */
  static String page(ObjectNode m) {
    boolean healthy = m.path("healthy").asBoolean();
    Html.Page p =
        new Html.Page("TrustBundle mirror")
            .subtitle("What this mirror serves to Windows clients, and its recent history")
            .status(
                healthy ? Html.Tone.OK : Html.Tone.BAD,
                healthy ? "healthy" : m.path("problem").asText(),
                "health");
    JsonNode a = m.path("active");
    if (!a.isMissingNode()) {
      long age = a.path("ageDays").asLong();
      long left = a.path("expiresInDays").asLong();
      p.stat("age", age + " d", "since the bundle was built", Html.Tone.INFO)
          .stat(
              "expires-in",
              left + " d",
              "until it expires",
              left < 0 ? Html.Tone.BAD : left < 7 ? Html.Tone.WARNING : Html.Tone.OK)
          .stat("files", a.path("files").asText(), "files served", Html.Tone.NEUTRAL)
          .stat(
              "warning-count",
              String.valueOf(a.path("warnings").size()),
              "warnings",
              a.path("warnings").size() == 0 ? Html.Tone.OK : Html.Tone.WARNING);
      p.heading("Active bundle", "active-bundle")
          .facts(
              "active",
              List.of(
                  new Html.Fact("Bundle", Html.code(a.path("bundleId").asText())),
                  new Html.Fact("Sequence", Html.text(a.path("sequence").asText())),
                  new Html.Fact(
                      "Created",
                      Html.join(
                          Html.text(a.path("created").asText()),
                          Html.muted("(" + age + " days ago)"))),
                  new Html.Fact(
                      "Expires",
                      Html.join(
                          Html.text(a.path("expires").asText()),
                          Html.muted("(in " + left + " days)"))),
                  new Html.Fact("Files", Html.text(a.path("files").asText()))));
      List<List<Html.Fragment>> lists = new ArrayList<>();
      for (JsonNode l : a.path("lists")) {
        lists.add(
            List.of(
                Html.strong(l.path("kind").asText()),
                Html.code(l.path("sequenceNumber").asText()),
                Html.text(l.path("thisUpdate").asText()),
                Html.text(l.path("anchor").asText())));
      }
      p.heading("Trust lists", "trust-lists")
          .table(
              "lists",
              List.of("List", "Sequence", "thisUpdate", "Signed via"),
              lists,
              "The active bundle carries no list.");
      if (a.path("warnings").size() > 0) {
        List<String> w = new ArrayList<>();
        a.path("warnings").forEach(x -> w.add(x.asText()));
        p.heading("Warnings", "warnings-heading").callout("warnings", Html.Tone.WARNING, w);
      }
    } else {
      p.callout("nothing-active", Html.Tone.BAD, List.of("No bundle has been imported yet."));
    }
    List<List<Html.Fragment>> rows = new ArrayList<>();
    JsonNode hist = m.path("history");
    for (int i = hist.size() - 1; i >= 0; i--) {
      JsonNode h = hist.get(i);
      String action = h.path("action").asText();
      rows.add(
          List.of(
              Html.text(h.path("time").asText()),
              Html.badge(tone(action), action),
              Html.code(h.path("bundleId").asText("")),
              Html.text(h.path("reason").asText(""))));
    }
    p.heading("Recent history", "recent-history")
        .table("history", List.of("Time", "Action", "Bundle", "Detail"), rows, "No history yet.");
    p.footer("trustbundle serve \u00b7 the same facts as JSON at /status.json \u00b7 /healthz");
    return p.render();
  }

  private static Html.Tone tone(String action) {
    return switch (action) {
      case "import" -> Html.Tone.ADDED;
      case "rollback", "downgrade" -> Html.Tone.CHANGED;
      case "refused" -> Html.Tone.REMOVED;
      default -> Html.Tone.NEUTRAL;
    };
  }

  private static boolean write(
      Response response, Callback callback, int status, String type, String body, boolean head) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
    response.write(true, head ? null : ByteBuffer.wrap(b), callback);
    return true;
  }
}
