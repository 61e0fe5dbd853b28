package dev.trustbundle.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.store.StateStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** /status (HTML for people), /status.json and /healthz. */
final class StatusPages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StateStore store;
  private final Clock clock;

  StatusPages(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
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
      return "no bundle imported";
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
    List<JsonNode> h = store.history();
    o.set("history", JSON.valueToTree(h.subList(Math.max(0, h.size() - 10), h.size())));
    return o;
  }

  boolean json(Snapshot snap, Response response, Callback callback, boolean head) {
    return write(response, callback, 200, "application/json", model(snap).toString(), head);
  }

  boolean html(Snapshot snap, Response response, Callback callback, boolean head) {
    ObjectNode m = model(snap);
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>TrustBundle mirror status</title><style>")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;")
        .append("max-width:60rem;padding:0 1rem;color:#1f2933;background:#f7f9fb}")
        .append("h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}")
        .append(".badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;")
        .append("font-weight:600}.ok{background:#2f855a}.bad{background:#c53030}")
        .append(
            "table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}")
        .append("th,td{text-align:left;padding:.45rem .7rem;border-bottom:1px solid #e4e7eb;")
        .append("font-size:.92rem}th{background:#eef2f6}code{font-size:.88rem}")
        .append("li{margin:.2rem 0}</style></head><body>");
    boolean healthy = m.path("healthy").asBoolean();
    b.append("<h1>TrustBundle mirror <span id=\"health\" class=\"badge ")
        .append(healthy ? "ok\">healthy" : "bad\">" + esc(m.path("problem").asText()))
        .append("</span></h1>");
    JsonNode a = m.path("active");
    if (!a.isMissingNode()) {
      b.append("<h2>Active bundle</h2><table id=\"active\">");
      row(b, "Bundle", "<code>" + esc(a.path("bundleId").asText()) + "</code>");
      row(b, "Sequence", esc(a.path("sequence").asText()));
      row(
          b,
          "Created",
          esc(a.path("created").asText()) + " (" + a.path("ageDays").asLong() + " days ago)");
      row(
          b,
          "Expires",
          esc(a.path("expires").asText()) + " (in " + a.path("expiresInDays").asLong() + " days)");
      row(b, "Files", esc(a.path("files").asText()));
      b.append("</table><h2>Trust lists</h2><table id=\"lists\"><tr><th>List</th><th>Sequence</th>")
          .append("<th>thisUpdate</th><th>Signed via</th></tr>");
      for (JsonNode l : a.path("lists")) {
        b.append("<tr><td>")
            .append(esc(l.path("kind").asText()))
            .append("</td><td><code>")
            .append(esc(l.path("sequenceNumber").asText()))
            .append("</code></td><td>")
            .append(esc(l.path("thisUpdate").asText()))
            .append("</td><td>")
            .append(esc(l.path("anchor").asText()))
            .append("</td></tr>");
      }
      b.append("</table>");
      if (a.path("warnings").size() > 0) {
        b.append("<h2>Warnings</h2><ul id=\"warnings\">");
        for (JsonNode w : a.path("warnings")) {
          b.append("<li>").append(esc(w.asText())).append("</li>");
        }
        b.append("</ul>");
      }
    }
    b.append("<h2>Recent history</h2><table id=\"history\"><tr><th>Time</th><th>Action</th>")
        .append("<th>Bundle</th><th>Detail</th></tr>");
    JsonNode hist = m.path("history");
    for (int i = hist.size() - 1; i >= 0; i--) {
      JsonNode h = hist.get(i);
      b.append("<tr><td>")
          .append(esc(h.path("time").asText()))
          .append("</td><td>")
          .append(esc(h.path("action").asText()))
          .append("</td><td><code>")
          .append(esc(h.path("bundleId").asText(h.path("file").asText(""))))
          .append("</code></td><td>")
          .append(esc(h.path("reason").asText("")))
          .append("</td></tr>");
    }
    b.append("</table></body></html>\n");
    return write(response, callback, 200, "text/html; charset=utf-8", b.toString(), head);
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(k).append("</th><td>").append(v).append("</td></tr>");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
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
