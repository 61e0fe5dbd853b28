package dev.trustbundle.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trustbundle.ctl.Hex;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A small mirror on 127.0.0.1 (the JDK's HTTP server) that serves a {@code trustedr/en/} tree the
 * way a correct mirror does, or with chosen faults, so that tests can check that {@code probe}
 * names each of them.
 */
public final class FaultyMirror implements AutoCloseable {
  /** What to break. */
  public enum Fault {
    /** authrootstl.cab holds the authroot list with one byte changed. */
    TAMPERED_CAB,
    /** The chosen root is not served (404 in either case). */
    MISSING_ROOT,
    /** The chosen root is served with the bytes of another listed root. */
    WRONG_ROOT,
    /** Any request with a query string gets 404. */
    QUERY_404,
    /** Conditional request headers are ignored: always 200. */
    NO_304,
    /** The cabinets are sent as text/html. */
    WRONG_TYPE,
    /** Names are matched exactly, so lower-case .crt names are 404. */
    CASE_SENSITIVE,
    /** authrootseq.txt holds another number. */
    WRONG_SEQUENCE,
    /** disallowedcertstl.cab never ends (chunked zeros). */
    ENDLESS_CAB,
    /** Cache-Control: no-store on every file. */
    NO_STORE,
    /** Last-Modified with a one-digit day ({@code Wed, 2 Apr 2026}): not an IMF-fixdate. */
    BAD_DATE,
    /** 304s carry {@code Content-Length: 0}, which RFC 9110 8.6 forbids. */
    LENGTH_ON_304,
    /** The ETag looks like a SHA-256 but is another file's. */
    WRONG_ETAG
  }

  /** DigiCert Global Root G2, listed in every authroot list of the fixtures. */
  public static final String OTHER_ROOT = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4";

  private static final String LAST_MODIFIED =
      DateTimeFormatter.RFC_1123_DATE_TIME.format(
          Instant.parse("2026-04-22T01:00:00Z").atZone(ZoneOffset.UTC));

  private final Map<String, byte[]> files = new HashMap<>();
  private final Set<Fault> faults;
  private final HttpServer server;
  private final ExecutorService pool;

  /** A mirror of {@code tree} with these faults; {@code root} is the root the root faults hit. */
  public FaultyMirror(Path tree, Set<Fault> faults, String root) {
    this.faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
    try (Stream<Path> s = Files.list(tree)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
      if (faults.contains(Fault.TAMPERED_CAB)) {
        byte[] stl = files.get("authroot.stl").clone();
        // A byte in the middle of the entries: the list still parses, its digest no longer matches.
        stl[stl.length / 2] ^= 0x01;
        files.put("authrootstl.cab", new CabBuilder().add("authroot.stl", stl).build());
      }
      if (faults.contains(Fault.MISSING_ROOT)) {
        files.remove(root + ".crt");
      }
      if (faults.contains(Fault.WRONG_ROOT)) {
        files.put(root + ".crt", files.get(OTHER_ROOT + ".crt"));
      }
      if (faults.contains(Fault.WRONG_SEQUENCE)) {
        files.put("authrootseq.txt", "1401DBDEE7F1A4F449".getBytes(StandardCharsets.US_ASCII));
      }
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pool = Executors.newFixedThreadPool(8);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The folder URL, with a trailing slash. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private byte[] find(String name) {
    byte[] exact = files.get(name);
    if (exact != null || faults.contains(Fault.CASE_SENSITIVE)) {
      return exact;
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getRawPath();
      if (!x.getRequestMethod().equals("GET")) {
        x.sendResponseHeaders(405, -1);
        return;
      }
      if (faults.contains(Fault.QUERY_404) && x.getRequestURI().getRawQuery() != null) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      String name = path.replaceFirst("^/+", "");
      String lower = name.toLowerCase(Locale.ROOT);
      if (faults.contains(Fault.ENDLESS_CAB) && lower.equals("disallowedcertstl.cab")) {
        endless(x);
        return;
      }
      byte[] body = name.contains("/") ? null : find(name);
      if (body == null) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      String etag =
          "\""
              + Hex.sha256(faults.contains(Fault.WRONG_ETAG) ? new byte[] {1} : body)
                  .toLowerCase(Locale.ROOT)
              + "\"";
      var h = x.getResponseHeaders();
      h.set("ETag", etag);
      h.set(
          "Last-Modified",
          faults.contains(Fault.BAD_DATE) ? "Wed, 2 Apr 2026 01:00:00 GMT" : LAST_MODIFIED);
      h.set("Cache-Control", faults.contains(Fault.NO_STORE) ? "no-store" : "max-age=60");
      h.set("Content-Type", contentType(lower));
      if (!faults.contains(Fault.NO_304)) {
        String inm = x.getRequestHeaders().getFirst("If-None-Match");
        String ims = x.getRequestHeaders().getFirst("If-Modified-Since");
        if ((inm != null && inm.equals(etag)) || (inm == null && LAST_MODIFIED.equals(ims))) {
          if (faults.contains(Fault.LENGTH_ON_304)) {
            h.set("Content-Length", "0");
          }
          x.sendResponseHeaders(304, -1);
          return;
        }
      }
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  private String contentType(String lower) {
    if (lower.endsWith(".cab")) {
      return faults.contains(Fault.WRONG_TYPE)
          ? "text/html; charset=utf-8"
          : "application/vnd.ms-cab-compressed";
    }
    if (lower.endsWith(".crt")) {
      return "application/pkix-cert";
    }
    return lower.endsWith(".txt") ? "text/plain" : "application/octet-stream";
  }

  private static void endless(HttpExchange x) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/vnd.ms-cab-compressed");
    x.sendResponseHeaders(200, 0);
    byte[] chunk = new byte[64 * 1024];
    OutputStream out = x.getResponseBody();
    // Bounded here too (128 MiB); the client is expected to hang up long before.
    for (int i = 0; i < 2048; i++) {
      try {
        out.write(chunk);
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
