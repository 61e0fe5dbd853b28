package dev.trustbundle.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers Windows clients (reference section 2): query strings ignored, {@code .crt} names in any
 * case, GET and HEAD only, no listings, strong ETags and Last-Modified with 304s, single byte
 * ranges, content types by kind. Only names present in the snapshot are ever answered, so no
 * spelling of a path can reach another file.
 */
final class MirrorHandler extends Handler.Abstract.NonBlocking {
  static final String WINDOWS_UPDATE_PATH = "/msdownload/update/v3/static/trustedr/en/";

  private final Supplier<Snapshot> snapshot;
  private final List<String> prefixes;
  private final long maxAge;
  private final Metrics metrics;
  private final StatusPages pages;

  MirrorHandler(
      Supplier<Snapshot> snapshot,
      List<String> prefixes,
      long maxAge,
      Metrics metrics,
      StatusPages pages) {
    this.snapshot = snapshot;
    this.prefixes = prefixes;
    this.maxAge = maxAge;
    this.metrics = metrics;
    this.pages = pages;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return text(response, callback, 405, "only GET and HEAD are served\n", "other", false);
    }
    // One snapshot for the whole request: an activation meanwhile does not mix versions.
    Snapshot snap = snapshot.get();
    String path = Request.getPathInContext(request).replaceAll("/{2,}", "/");
    switch (path) {
      case "/status":
        return pages.html(snap, response, callback, head);
      case "/status.json":
        return pages.json(snap, response, callback, head);
      case "/healthz":
        return pages.health(snap, response, callback, head);
      case "/metrics":
        return text(response, callback, 200, metrics.render(snap), "other", head);
      default:
        break;
    }
    if (snap == null) {
      return text(response, callback, 503, "no bundle has been imported yet\n", "other", head);
    }
    Snapshot.Entry e = find(snap, path, Request.getServerName(request));
    if (e == null) {
      return text(response, callback, 404, "not found\n", "other", head);
    }
    return serve(request, response, callback, e, head);
  }

  private Snapshot.Entry find(Snapshot snap, String path, String host) {
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.startsWith("/crl/")) {
      Snapshot.Entry e = snap.byTree().get(lower.substring(5));
      if (e != null) {
        return e;
      }
    }
    for (String prefix : prefixes) {
      if (lower.startsWith(prefix)) {
        String name = lower.substring(prefix.length());
        if (!name.isEmpty() && name.indexOf('/') < 0) {
          Snapshot.Entry e = snap.mirror().get(name);
          if (e != null) {
            return e;
          }
        }
      }
    }
    // CRLs and CA certificates at their original URLs, for hosts that internal DNS points here.
    if (host != null) {
      return snap.byUrl().get(host.toLowerCase(Locale.ROOT) + lower);
    }
    return null;
  }

  private boolean serve(
      Request request, Response response, Callback callback, Snapshot.Entry e, boolean head) {
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.ETAG, e.etag());
    h.put(HttpHeader.LAST_MODIFIED, e.lastModified());
    h.put(HttpHeader.CACHE_CONTROL, "max-age=" + maxAge);
    h.put(HttpHeader.ACCEPT_RANGES, "bytes");
    HttpFields in = request.getHeaders();
    String inm = in.get(HttpHeader.IF_NONE_MATCH);
    if (inm != null) {
      if (matches(inm, e.etag())) {
        return notModified(response, callback, e);
      }
    } else {
      String ims = in.get(HttpHeader.IF_MODIFIED_SINCE);
      if (ims != null && !notAfter(ims, e.lastModifiedInstant())) {
        return notModified(response, callback, e);
      }
    }
    h.put(HttpHeader.CONTENT_TYPE, e.contentType());
    ByteBuffer body = e.body().duplicate();
    int len = body.remaining();
    String range = in.get(HttpHeader.RANGE);
    String ifRange = in.get(HttpHeader.IF_RANGE);
    if (range != null && (ifRange == null || ifRange.equals(e.etag()))) {
      long[] r = parseRange(range, len);
      if (r != null && r[0] < 0) {
        h.put(HttpHeader.CONTENT_RANGE, "bytes */" + len);
        return text(response, callback, 416, "range not satisfiable\n", e.kind(), head);
      }
      if (r != null) {
        int from = (int) r[0];
        int count = (int) (r[1] - r[0] + 1);
        h.put(HttpHeader.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + len);
        return body(response, callback, 206, body.slice(from, count), e.kind(), head);
      }
    }
    return body(response, callback, 200, body, e.kind(), head);
  }

  private boolean notModified(Response response, Callback callback, Snapshot.Entry e) {
    response.setStatus(304);
    // A 304 carries no Content-Length (RFC 9110 8.6: it would describe the selected
    // representation, which a 304 does not send).
    response.getHeaders().remove(HttpHeader.CONTENT_LENGTH);
    metrics.count(304, e.kind(), 0);
    // Committed before it is completed: a response completed in one write would be given the
    // length of what was written (0), while a committed 304 is framed as having no content.
    response.write(
        false,
        null,
        org.eclipse.jetty.util.Callback.from(
            () -> response.write(true, null, callback), callback::failed));
    return true;
  }

  private boolean body(
      Response response, Callback callback, int status, ByteBuffer b, String kind, boolean head) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.remaining());
    metrics.count(status, kind, head ? 0 : b.remaining());
    response.write(true, head ? null : b, callback);
    return true;
  }

  boolean text(
      Response response, Callback callback, int status, String s, String kind, boolean head) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return body(
        response,
        callback,
        status,
        ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)),
        kind,
        head);
  }

  /** If-None-Match: "*" or any listed tag, weak or strong, equal to ours. */
  static boolean matches(String header, String etag) {
    for (String t : header.split(",")) {
      String tag = t.trim();
      if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the file changed after the If-Modified-Since date (unparsable: assume it did). */
  static boolean notAfter(String ims, Instant lastModified) {
    return HttpDates.parse(ims).map(lastModified::isAfter).orElse(true);
  }

  /**
   * One byte range: {@code [from, to]}, {@code [-1, -1]} when unsatisfiable, or null to serve the
   * whole file (no, several, or malformed ranges; RFC 9110 14.2 lets a server ignore them).
   */
  static long[] parseRange(String header, int len) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      long from;
      long to;
      if (a.isEmpty()) {
        if (b.isEmpty()) {
          return null;
        }
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return new long[] {-1, -1};
        }
        from = Math.max(0, len - suffix);
        to = len - 1;
      } else {
        from = Long.parseLong(a);
        to = b.isEmpty() ? len - 1 : Math.min(Long.parseLong(b), len - 1);
        if (to < from && !b.isEmpty() && Long.parseLong(b) < from) {
          return null;
        }
      }
      if (from >= len || from < 0 || len == 0) {
        return new long[] {-1, -1};
      }
      return new long[] {from, to};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
