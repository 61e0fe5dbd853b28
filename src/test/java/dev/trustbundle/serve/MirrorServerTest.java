package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.cli.Main;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror against the Windows client contract, on 127.0.0.1. */
class MirrorServerTest {
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static Path state;
  static Path one;
  static Path two;
  static Path trust;
  static MirrorServer server;
  static String base;

  static int cli(String... args) {
    return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    dev.trustbundle.cli.BuildCommandTestAccess.keys(dir.resolve("keys"));
    trust = dir.resolve("publisher.crt");
    Files.write(trust, dev.trustbundle.cli.BuildCommandTestAccess.certificate());
    one = dir.resolve("one.tar.gz");
    two = dir.resolve("two.tar.gz");
    Instant now = Instant.now();
    String at = now.toString();
    assertThat(
            dev.trustbundle.cli.BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-06-16").toString(), one, at))
        .isZero();
    assertThat(
            dev.trustbundle.cli.BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-08-26").toString(), two, now.plusSeconds(5).toString()))
        .isZero();
    state = dir.resolve("state");
    assertThat(
            cli("import", one.toString(), "--state", state.toString(), "--trust", trust.toString()))
        .isZero();
    server =
        new MirrorServer(
            new StateStore(state),
            new MirrorServer.Options(
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of("/CTL"),
                600,
                Optional.empty(),
                32),
            Clock.systemUTC());
    server.start();
    base = server.urls().get(0).replace("0.0.0.0", "127.0.0.1");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.replaceFirst("^/", "")));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A raw request line, for spellings an HTTP client would normalise away. */
  static String raw(String target) throws Exception {
    URI u = URI.create(base);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.getOutputStream()
          .write(
              ("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return resp.substring(0, resp.indexOf("\r\n"));
    }
  }

  @Test
  void servesTheFilesAsWindowsClientsAskForThem() throws Exception {
    HttpResponse<byte[]> cab = get("/authrootstl.cab?65a46256fe8dfaa0");
    assertThat(cab.statusCode()).isEqualTo(200);
    assertThat(cab.headers().firstValue("Content-Type"))
        .contains("application/vnd.ms-cab-compressed");
    // The body is exactly the file the manifest pins (its SHA-256 is the ETag).
    assertThat("\"" + dev.trustbundle.ctl.Hex.sha256(cab.body()).toLowerCase() + "\"")
        .isEqualTo(cab.headers().firstValue("ETag").orElseThrow());
    assertThat(cab.headers().firstValue("Cache-Control")).contains("max-age=600");
    assertThat(cab.headers().firstValue("Server")).isEmpty();
    String g2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt";
    assertThat(get("/msdownload/update/v3/static/trustedr/en/" + g2).statusCode()).isEqualTo(200);
    assertThat(get("/" + g2.toLowerCase()).headers().firstValue("Content-Type"))
        .contains("application/pkix-cert");
    assertThat(get("/CTL//authrootseq.txt").headers().firstValue("Content-Type"))
        .contains("text/plain");
    assertThat(new String(get("/authrootseq.txt").body())).matches("1401[0-9A-F]{14}");
  }

  @Test
  void answersConditionalAndRangeRequests() throws Exception {
    HttpResponse<byte[]> first = get("/authrootstl.cab");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    String lm = first.headers().firstValue("Last-Modified").orElseThrow();
    assertThat(etag).startsWith("\"").hasSize(66);
    assertThat(get("/authrootstl.cab?x=1", "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get("/authrootstl.cab", "If-Modified-Since", lm).statusCode()).isEqualTo(304);
    assertThat(get("/authrootstl.cab", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> part = get("/authrootstl.cab", "Range", "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).hasSize(10);
    assertThat(part.headers().firstValue("Content-Range"))
        .contains("bytes 10-19/" + first.body().length);
    assertThat(get("/authrootstl.cab", "Range", "bytes=999999-").statusCode()).isEqualTo(416);
    assertThat(get("/authrootstl.cab", "Range", "bytes=-5").body()).hasSize(5);
  }

  /** The raw head of an answer to a GET with these extra header lines. */
  static String rawHead(String target, String... headerLines) throws Exception {
    URI u = URI.create(base);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: x\r\n");
      for (String h : headerLines) {
        req.append(h).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return resp.substring(0, resp.indexOf("\r\n\r\n"));
    }
  }

  @Test
  void datesAreImfFixdateAndNotModifiedHasNoContentLength() throws Exception {
    String lm = get("/authrootstl.cab").headers().firstValue("Last-Modified").orElseThrow();
    // IMF-fixdate: the day always has two digits (RFC 9110 5.6.7).
    assertThat(lm).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    String head = rawHead("/authrootstl.cab", "If-Modified-Since: " + lm);
    assertThat(head).startsWith("HTTP/1.1 304").doesNotContainIgnoringCase("content-length");
    java.time.Instant t = HttpDates.parse(lm).orElseThrow();
    // The obsolete forms a recipient must accept (RFC 9110 5.6.7) are answered 304 as well.
    String rfc850 =
        java.time.format.DateTimeFormatter.ofPattern(
                "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", java.util.Locale.US)
            .withZone(java.time.ZoneOffset.UTC)
            .format(t);
    String asctime =
        java.time.format.DateTimeFormatter.ofPattern(
                "EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US)
            .withZone(java.time.ZoneOffset.UTC)
            .format(t);
    assertThat(get("/authrootstl.cab", "If-Modified-Since", rfc850).statusCode()).isEqualTo(304);
    assertThat(get("/authrootstl.cab", "If-Modified-Since", asctime).statusCode()).isEqualTo(304);
    assertThat(HttpDates.format(java.time.Instant.parse("2026-12-03T08:09:10Z")))
        .isEqualTo("Thu, 03 Dec 2026 08:09:10 GMT");
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"))
        .contains(java.time.Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994"))
        .contains(java.time.Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDates.parse("yesterday")).isEmpty();
  }

  @Test
  void lastModifiedNeverGoesBackAndExportGivesTheSameDate(@TempDir Path dir) throws Exception {
    Path st = dir.resolve("state");
    assertThat(cli("import", one.toString(), "--state", st.toString(), "--trust", trust.toString()))
        .isZero();
    MirrorServer s =
        new MirrorServer(
            new StateStore(st),
            new MirrorServer.Options(
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                600,
                Optional.empty(),
                8),
            Clock.systemUTC());
    s.start();
    try {
      URI u = URI.create(s.urls().get(0));
      HttpClient client = HttpClient.newHttpClient();
      java.util.function.Supplier<java.time.Instant> lm =
          () -> {
            try {
              HttpResponse<Void> r =
                  client.send(
                      HttpRequest.newBuilder(u.resolve("/authrootstl.cab")).build(),
                      HttpResponse.BodyHandlers.discarding());
              return HttpDates.parse(r.headers().firstValue("Last-Modified").orElseThrow())
                  .orElseThrow();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      java.time.Instant first = lm.get();
      // The same second would not show an order: the activation after it is always later.
      assertThat(
              cli("import", two.toString(), "--state", st.toString(), "--trust", trust.toString()))
          .isZero();
      s.reload();
      java.time.Instant second = lm.get();
      assertThat(second).isAfter(first);
      // A rollback brings the old bytes back under a later date still, so that a client that
      // revalidates with If-Modified-Since gets them (its date is older than the new one).
      assertThat(cli("rollback", "--state", st.toString())).isZero();
      s.reload();
      java.time.Instant third = lm.get();
      assertThat(third).isAfter(second);
      Path www = dir.resolve("www");
      assertThat(cli("export", "--state", st.toString(), "--out", www.toString())).isZero();
      assertThat(Files.getLastModifiedTime(www.resolve("authrootstl.cab")).toInstant())
          .isEqualTo(third);
    } finally {
      s.close();
    }
  }

  @Test
  void theCombinedAccessLogRecordsTheUserAgentAndTheHost(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("access.log");
    MirrorServer s =
        new MirrorServer(
            new StateStore(state),
            new MirrorServer.Options(
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                600,
                Optional.of(log.toString()),
                8,
                MirrorServer.DEFAULT_MAX_CONNECTIONS,
                MirrorServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                java.time.Duration.ZERO,
                why -> {},
                MirrorServer.AccessLogFormat.COMBINED),
            Clock.systemUTC());
    s.start();
    try {
      URI u = URI.create(s.urls().get(0));
      try (Socket c = new Socket(u.getHost(), u.getPort())) {
        c.getOutputStream()
            .write(
                ("GET /authrootstl.cab?65a46256 HTTP/1.1\r\nHost: crl3.digicert.com\r\n"
                        + "User-Agent: Microsoft-CryptoAPI/10.0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        c.getInputStream().readAllBytes();
      }
    } finally {
      s.close();
    }
    assertThat(Files.readString(log))
        .contains("\"GET /authrootstl.cab?65a46256 HTTP/1.1\" 200")
        .contains("\"Microsoft-CryptoAPI/10.0\"")
        .contains("\"crl3.digicert.com\"");
  }

  @Test
  void refusesOtherMethodsListingsAndTraversal() throws Exception {
    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "authrootstl.cab"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/mirror/").statusCode()).isEqualTo(404);
    for (String t :
        List.of(
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc%2fpasswd",
            "/..\\..\\etc\\passwd",
            "/authrootstl.cab%00.txt",
            "/%c0%ae%c0%ae/etc/passwd",
            "/manifest.json",
            "/versions/x",
            "/crl/../active.json")) {
      String status = raw(t);
      assertThat(status).as(t).matches("HTTP/1.1 (400|404) .*");
    }
    // Jetty's own refusals are counted like ours.
    assertThat(new String(get("/metrics").body())).contains("status=\"400\"");
  }

  @Test
  void reportsHealthStatusAndMetrics() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> status = get("/status");
    assertThat(status.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(new String(status.body())).contains("1401D").contains("Trust lists");
    assertThat(new String(get("/status.json").body())).contains("\"healthy\":true");
    get("/authrootstl.cab");
    assertThat(new String(get("/metrics").body()))
        .contains("trustbundle_requests_total{status=\"200\",kind=\"cab\"}")
        .contains("trustbundle_bundle_age_seconds");
  }

  @Test
  void servesHttpsWithAPkcs12KeyStore(@TempDir Path dir) throws Exception {
    var key =
        dev.trustbundle.bundle.Keys.generate(
            dev.trustbundle.bundle.Keys.Algorithm.EC_P256,
            "CN=127.0.0.1",
            Instant.now(),
            Duration.ofDays(2));
    Path p12 = dir.resolve("tls.p12");
    Files.write(p12, dev.trustbundle.bundle.Keys.toPkcs12(key, "tlspass".toCharArray()));
    MirrorServer tls =
        new MirrorServer(
            new StateStore(state),
            new MirrorServer.Options(
                Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.of(p12),
                Optional.of("tlspass".toCharArray()),
                List.of(),
                600,
                Optional.empty(),
                16),
            Clock.systemUTC());
    tls.start();
    try {
      URI u = URI.create(tls.urls().get(0));
      assertThat(u.getScheme()).isEqualTo("https");
      // Trust exactly the generated certificate.
      java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("mirror", key.certificate());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      try (javax.net.ssl.SSLSocket s =
          (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", u.getPort())) {
        s.getOutputStream()
            .write(
                "HEAD /authrootstl.cab HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(resp).startsWith("HTTP/1.1 200").contains("application/vnd.ms-cab-compressed");
      }
    } finally {
      tls.close();
    }
  }

  /** Imports a new version while clients hammer the server: no request fails, no restart. */
  @Test
  void picksUpANewImportUnderLoadWithoutAFailedRequest() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> clients = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    HttpResponse<byte[]> r = get("/authrootstl.cab");
                    HttpResponse<byte[]> c = get("/authrootseq.txt");
                    if (r.statusCode() == 200 && c.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              });
      t.start();
      clients.add(t);
    }
    Thread.sleep(300);
    assertThat(
            cli("import", two.toString(), "--state", state.toString(), "--trust", trust.toString()))
        .isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!server.servedId().orElse("").equals(new StateStore(state).active().orElseThrow().id())
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(300);
    running.set(false);
    for (Thread t : clients) {
      t.join();
    }
    assertThat(failed.get()).isZero();
    assertThat(ok.get()).isPositive();
    assertThat(new String(get("/authrootseq.txt").body())).isEqualTo("1401DC16C38DC3B89E");
  }

  /**
   * Hundreds of connections trickling header bytes (slowloris) hold no threads: normal clients are
   * answered all the while (the bound below is a liveness bound, not a speed target).
   */
  @Test
  void slowClientsDoNotStarveNormalClients() throws Exception {
    URI u = URI.create(base);
    List<Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        // From three addresses, each under its connection cap (which ConnectionCapsTest checks).
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0." + (2 + i % 3), 0));
        s.connect(new InetSocketAddress(u.getHost(), u.getPort()));
        s.getOutputStream()
            .write(
                "GET /authrootstl.cab HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int round = 0; round < 20; round++) {
        for (Socket s : slow) {
          try {
            s.getOutputStream().write('X');
          } catch (java.io.IOException e) {
            // Closed by the header timeout on a slow machine: that is the guard working.
          }
        }
        for (int i = 0; i < 5; i++) {
          HttpResponse<byte[]> r = get("/authrootstl.cab");
          assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(System.nanoTime()).isLessThan(deadline);
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  /** A connection that does not finish its first request's headers in time is closed. */
  @Test
  void closesConnectionsThatSendHeadersTooSlowly() throws Exception {
    URI u = URI.create(base);
    long before = server.slowClients().dropped();
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.getOutputStream()
          .write("GET /authrootstl.cab HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(20_000);
      // The guard sweeps every second; act as if the header timeout had passed.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.slowClients().dropped() == before && System.nanoTime() < deadline) {
        server
            .slowClients()
            .sweep(System.currentTimeMillis() + MirrorServer.HEADER_TIMEOUT_MILLIS + 1);
        Thread.sleep(50);
      }
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(server.slowClients().dropped()).isGreaterThan(before);
    assertThat(new String(get("/metrics").body(), StandardCharsets.UTF_8))
        .containsPattern("trustbundle_slow_clients_dropped_total [1-9]");
  }
}
