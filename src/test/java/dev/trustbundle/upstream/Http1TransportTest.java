package dev.trustbundle.upstream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Http1TransportTest {
  /** Answers each connection with a script: it reads requests and writes raw bytes. */
  interface Script {
    void serve(Conn c, int connectionIndex) throws IOException, InterruptedException;
  }

  /** One accepted connection, with a request reader. */
  static final class Conn {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Conn(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /** The next request head, or null when the client closed the connection. */
    String request() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        b.write(c);
        String s = b.toString(ISO_8859_1);
        if (s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
      return null;
    }

    void write(String s) throws IOException {
      out.write(s.getBytes(ISO_8859_1));
      out.flush();
    }
  }

  private final List<ServerSocket> servers = new ArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private Http1Transport transport =
      new Http1Transport(Duration.ofSeconds(5), Duration.ofSeconds(10), 16);

  @AfterEach
  void stop() throws IOException {
    transport.close();
    threads.shutdownNow();
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  private String serve(Script script) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(server);
    threads.submit(
        () -> {
          while (!server.isClosed()) {
            Socket s;
            try {
              s = server.accept();
            } catch (IOException e) {
              return null;
            }
            int index = accepted.getAndIncrement();
            threads.submit(
                () -> {
                  try (s) {
                    script.serve(new Conn(s), index);
                  }
                  return null;
                });
          }
          return null;
        });
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Serves {@code body} with a Content-Length to every request, keeping connections open. */
  private Script keepAlive(String body) {
    return (c, i) -> {
      String r;
      while ((r = c.request()) != null) {
        requests.add(r);
        c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      }
    };
  }

  private Transport.Response get(String url) throws Exception {
    return get(url, 1000);
  }

  private Transport.Response get(String url, long maxBytes) throws Exception {
    return transport.get(URI.create(url), Map.of(), maxBytes);
  }

  private static String text(Transport.Response r) {
    return new String(r.body(), ISO_8859_1);
  }

  @Test
  void readsContentLengthBodiesOverOneKeptAliveConnection() throws Exception {
    String base = serve(keepAlive("hello"));
    for (int i = 0; i < 3; i++) {
      Transport.Response r = get(base + "/a.crt");
      assertThat(r.status()).isEqualTo(200);
      assertThat(text(r)).isEqualTo("hello");
      assertThat(r.truncated()).isFalse();
      assertThat(r.declaredLength()).hasValue(5);
    }
    assertThat(accepted).hasValue(1);
    assertThat(transport.idleConnections()).isEqualTo(1);
  }

  @Test
  void sendsOriginFormTargetHostWithPortAndTheCallersHeadersInOrder() throws Exception {
    String base = serve(keepAlive("x"));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "ua");
    headers.put("If-None-Match", "\"e1\"");
    transport.get(URI.create(base + "/dir/A%20B.crt?x=1"), headers, 10);
    int port = URI.create(base).getPort();
    assertThat(requests)
        .containsExactly(
            "GET /dir/A%20B.crt?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUser-Agent: ua\r\nIf-None-Match: \"e1\"\r\n\r\n");
  }

  @Test
  void refusesRequestHeadersThatWouldSplitTheRequest() {
    URI uri = URI.create("http://127.0.0.1:1/x");
    assertThatThrownBy(() -> transport.get(uri, Map.of("If-None-Match", "a\r\nEvil: 1"), 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> transport.get(uri, Map.of("Bad Name", "v"), 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsChunkedBodiesWithExtensionsAndTrailers() throws Exception {
    String base =
        serve(
            (c, i) -> {
              while (c.request() != null) {
                c.write(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;name=value\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
              }
            });
    assertThat(text(get(base + "/a"))).isEqualTo("hello, world");
    assertThat(text(get(base + "/b"))).isEqualTo("hello, world");
    assertThat(accepted).hasValue(1);
  }

  @Test
  void reportsABodyCutShortOfItsContentLength() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(40));
            });
    Transport.Response r = get(base + "/a");
    assertThat(r.truncated()).isTrue();
    assertThat(r.body()).hasSize(40);
    assertThat(r.declaredLength()).hasValue(100);
    assertThat(transport.idleConnections()).isZero();
  }

  @Test
  void reportsAChunkedBodyCutShort() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly-half");
            });
    Transport.Response r = get(base + "/a");
    assertThat(r.truncated()).isTrue();
    assertThat(text(r)).isEqualTo("only-half");
  }

  @Test
  void readsABodyDelimitedByTheConnectionClosing() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.0 200 OK\r\n\r\nuntil the end");
            });
    Transport.Response r = get(base + "/a");
    assertThat(text(r)).isEqualTo("until the end");
    assertThat(r.truncated()).isFalse();
    assertThat(transport.idleConnections()).isZero();
  }

  @Test
  void refusesABodyLongerThanTheLimitWithoutReadingIt() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
              byte[] chunk = new byte[64 * 1024];
              try {
                for (int k = 0; k < 1600; k++) {
                  c.out.write(chunk);
                }
              } catch (IOException e) {
                // The client hung up, as it should.
              }
            });
    Transport.Response r = get(base + "/big", 1000);
    assertThat(r.tooLarge()).isTrue();
    assertThat(r.body()).isEmpty();
    assertThat(r.truncated()).isFalse();
    assertThat(transport.idleConnections()).isZero();
  }

  @Test
  void stopsAChunkedBodyAtTheLimit() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              c.write("3e8\r\n" + "x".repeat(1000) + "\r\n1\r\ny\r\n0\r\n\r\n");
            });
    Transport.Response r = get(base + "/big", 1000);
    assertThat(r.tooLarge()).isTrue();
    assertThat(transport.idleConnections()).isZero();
  }

  @Test
  void acceptsABodyOfExactlyTheLimitAndRefusesOneByteMore() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.0 200 OK\r\n\r\n" + "x".repeat(i == 0 ? 1000 : 1001));
            });
    assertThat(get(base + "/a", 1000).body()).hasSize(1000);
    assertThat(get(base + "/b", 1000).tooLarge()).isTrue();
  }

  @Test
  void acceptsChunkSizesWithLeadingZeros() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write(
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "0000000000000000002\r\nok\r\n000\r\n\r\n");
            });
    assertThat(text(get(base + "/a"))).isEqualTo("ok");
  }

  @Test
  void refusesTransferCodingsOtherThanChunked() throws Exception {
    assertRefused(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "does not decode");
  }

  @Test
  void doesNotReuseAConnectionWhoseAnswerHadBothTransferEncodingAndContentLength()
      throws Exception {
    String base =
        serve(
            (c, i) -> {
              while (c.request() != null) {
                c.write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nok\r\n0\r\n\r\n");
              }
            });
    assertThat(text(get(base + "/a"))).isEqualTo("ok");
    assertThat(text(get(base + "/b"))).isEqualTo("ok");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void doesNotReuseAnHttp10Connection() throws Exception {
    String base =
        serve(
            (c, i) -> {
              while (c.request() != null) {
                c.write("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
              }
            });
    get(base + "/a");
    get(base + "/b");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void doesNotTakeBytesThatArrivedOnAnIdleConnectionForTheNextAnswer() throws Exception {
    String base =
        serve(
            (c, i) -> {
              if (i == 0) {
                c.request();
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                Thread.sleep(50);
                // A late second answer nobody asked for.
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrong");
              }
              while (c.request() != null) {
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nright");
              }
            });
    assertThat(text(get(base + "/a"))).isEqualTo("first");
    Thread.sleep(300);
    assertThat(text(get(base + "/b"))).isEqualTo("right");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void readsABodySlowerThanTheRequestTimeoutWhileItKeepsComing() throws Exception {
    transport = new Http1Transport(Duration.ofSeconds(5), Duration.ofMillis(300), 16);
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 32768\r\n\r\n");
              for (int k = 0; k < 8; k++) {
                Thread.sleep(100);
                c.write("x".repeat(4096));
              }
            });
    assertThat(get(base + "/slow", 100_000).body()).hasSize(32768);
  }

  @Test
  void refusesAnEndlessRunOfInterimAnswersAndA101() throws Exception {
    assertRefused("HTTP/1.1 100 Continue\r\n\r\n".repeat(9), "unexpected HTTP 100");
    assertRefused("HTTP/1.1 101 Switching Protocols\r\n\r\n", "unexpected HTTP 101");
  }

  @Test
  void refusesAnOverlongTrailerSection() throws Exception {
    assertRefused(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + "T: 1\r\n".repeat(101)
            + "\r\n",
        "more than 100");
  }

  @Test
  void namesTheDefaultPortNowhereAndOtherPortsInTheHostHeader() throws Exception {
    assertThat(
            new String(
                Http1Transport.request(
                    new URI("http", "Example.com", "/\u00e9 b", "q", null),
                    "Example.com",
                    80,
                    Map.of()),
                ISO_8859_1))
        .isEqualTo("GET /%C3%A9%20b?q HTTP/1.1\r\nHost: Example.com\r\n\r\n");
    assertThat(
            new String(
                Http1Transport.request(URI.create("http://[::1]:8080/"), "[::1]", 8080, Map.of()),
                ISO_8859_1))
        .isEqualTo("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
  }

  @Test
  void opensAConnectionWithoutAPermitWhenTheOpeningOnesAreNeverAnswered() throws Exception {
    transport = new Http1Transport(Duration.ofSeconds(5), Duration.ofSeconds(4), 16);
    String base =
        serve(
            (c, i) -> {
              c.request();
              if (i < Http1Transport.MAX_NEW_CONNECTIONS) {
                Thread.sleep(10_000); // holds its permit: never answers
              }
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            });
    ExecutorService clients = Executors.newFixedThreadPool(Http1Transport.MAX_NEW_CONNECTIONS);
    try {
      List<Future<Transport.Response>> hanging = new ArrayList<>();
      for (int k = 0; k < Http1Transport.MAX_NEW_CONNECTIONS; k++) {
        hanging.add(clients.submit(() -> get(base + "/hangs")));
      }
      while (accepted.get() < Http1Transport.MAX_NEW_CONNECTIONS) {
        Thread.sleep(10);
      }
      assertThat(transport.freePermits("127.0.0.1", URI.create(base).getPort())).isZero();
      assertThat(text(get(base + "/answered"))).isEqualTo("ok");
      // Answered while the four still held their permits (they end only at their timeout).
      assertThat(hanging).noneMatch(Future::isDone);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void givesItsNewConnectionPermitsBackWhenConnectingFails() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    for (int k = 0; k < 6; k++) {
      assertThatThrownBy(
              () -> transport.get(URI.create("http://127.0.0.1:" + port + "/x"), Map.of(), 10))
          .isInstanceOf(java.net.ConnectException.class);
    }
    assertThat(transport.freePermits("127.0.0.1", port))
        .isEqualTo(Http1Transport.MAX_NEW_CONNECTIONS);
  }

  @Test
  void sendsAgainOnANewConnectionWhenTheServerClosedAKeptAliveOne() throws Exception {
    String base =
        serve(
            (c, i) -> {
              // Answers one request per connection but says keep-alive, then hangs up: the next
              // request finds the connection closed.
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            });
    assertThat(text(get(base + "/a"))).isEqualTo("ok");
    Thread.sleep(100);
    assertThat(text(get(base + "/b"))).isEqualTo("ok");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void doesNotReuseAConnectionTheServerAskedToClose() throws Exception {
    String base =
        serve(
            (c, i) -> {
              while (c.request() != null) {
                c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
              }
            });
    get(base + "/a");
    get(base + "/b");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void skipsInterimResponsesAndIgnoresTheBodyOfA304() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA");
              c.request();
              // A 304 may name the entity's length; no body follows it.
              c.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 999\r\nETag: \"x\"\r\n\r\n");
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB");
            });
    assertThat(text(get(base + "/a"))).isEqualTo("A");
    Transport.Response notModified = get(base + "/b");
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("etag")).hasValue("\"x\"");
    assertThat(text(get(base + "/c"))).isEqualTo("B");
    assertThat(accepted).hasValue(1);
  }

  @Test
  void readsAndDropsErrorBodiesKeepingTheConnection() throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy");
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            });
    Transport.Response busy = get(base + "/a");
    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.body()).isEmpty();
    assertThat(busy.header("Retry-After")).hasValue("1");
    assertThat(text(get(base + "/a"))).isEqualTo("ok");
    assertThat(accepted).hasValue(1);
  }

  private void assertRefused(String rawAnswer, String message) throws Exception {
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write(rawAnswer);
            });
    assertThatThrownBy(() -> get(base + "/a"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(message);
    assertThat(transport.idleConnections()).isZero();
  }

  @Test
  void refusesAMalformedStatusLine() throws Exception {
    assertRefused("HTTP/2 200 OK\r\n\r\n", "malformed status line");
  }

  @Test
  void refusesAnOverlongHeaderLine() throws Exception {
    assertRefused("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n", "longer than 8192");
  }

  @Test
  void refusesTooManyHeaderFields() throws Exception {
    assertRefused("HTTP/1.1 200 OK\r\n" + "X-A: 1\r\n".repeat(101) + "\r\n", "more than 100");
  }

  @Test
  void refusesFoldedHeaderLines() throws Exception {
    assertRefused("HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n", "malformed header");
  }

  @Test
  void refusesConflictingContentLengths() throws Exception {
    assertRefused(
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "conflicting Content-Length");
  }

  @Test
  void refusesAMalformedChunkSize() throws Exception {
    assertRefused(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size");
  }

  @Test
  void refusesAConnectionClosedBeforeAnyAnswer() throws Exception {
    assertRefused("", "without answering");
  }

  @Test
  void timesOutOnAServerThatNeverAnswers() throws Exception {
    transport = new Http1Transport(Duration.ofSeconds(5), Duration.ofMillis(300), 16);
    String base =
        serve(
            (c, i) -> {
              c.request();
              Thread.sleep(5000);
            });
    assertThatThrownBy(() -> get(base + "/a")).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void timesOutOnAServerThatDripsItsBody() throws Exception {
    transport = new Http1Transport(Duration.ofSeconds(5), Duration.ofMillis(500), 16);
    String base =
        serve(
            (c, i) -> {
              c.request();
              c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
              for (int k = 0; k < 100; k++) {
                c.write("x");
                Thread.sleep(50);
              }
            });
    assertThatThrownBy(() -> get(base + "/a")).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void opensAtMostFourNewConnectionsToAHostBeforeOneOfThemIsAnswered() throws Exception {
    List<Long> acceptedAt = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    String base =
        serve(
            (c, i) -> {
              acceptedAt.add(System.nanoTime() - start);
              while (c.request() != null) {
                Thread.sleep(300);
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
              }
            });
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Transport.Response>> answers = new ArrayList<>();
      for (int k = 0; k < 16; k++) {
        answers.add(clients.submit(() -> get(base + "/x")));
      }
      for (Future<Transport.Response> f : answers) {
        assertThat(text(f.get(20, TimeUnit.SECONDS))).isEqualTo("ok");
      }
    } finally {
      clients.shutdownNow();
    }
    // No answer comes before 300 ms, so every connection accepted before then was opened while
    // the first ones were still unanswered.
    long early = acceptedAt.stream().filter(t -> t < TimeUnit.MILLISECONDS.toNanos(250)).count();
    assertThat(early).isLessThanOrEqualTo(Http1Transport.MAX_NEW_CONNECTIONS);
    assertThat(transport.freePermits("127.0.0.1", URI.create(base).getPort()))
        .isEqualTo(Http1Transport.MAX_NEW_CONNECTIONS);
  }
}
