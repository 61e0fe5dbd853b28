package dev.trustbundle.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trustbundle.error.NetworkException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetcherTest {
  private HttpServer server;
  private String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hello.txt",
        ex -> {
          byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().matches("HttpClient-\\d+-SelectorManager") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void fetchesPlainHttpWithoutBuildingTheJdkClient() {
    Set<Thread> before = selectorThreads();
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThat(f.fetch(base + "hello.txt", 100)).isPresent();
      assertThat(f.clientThreads()).isEmpty();
      Set<Thread> now = selectorThreads();
      now.removeAll(before);
      assertThat(now).isEmpty();
    }
  }

  @Test
  void stopsTheJdkClientsThreadOnCloseSoThatTheJvmExitsWithoutWaiting() {
    // A proxy sends requests through the JDK client; this server answers proxy-form requests.
    FetchOptions viaProxy =
        FetchOptions.DEFAULT.withProxy(
            Optional.of(new InetSocketAddress("127.0.0.1", server.getAddress().getPort())));
    Set<Thread> before = selectorThreads();
    Set<Thread> ours;
    try (Fetcher f = new Fetcher(viaProxy, Optional.empty(), Clock.systemUTC())) {
      assertThat(f.fetch(base + "hello.txt", 100)).isPresent();
      ours = selectorThreads();
      ours.removeAll(before);
      assertThat(ours).as("the client's selector thread while open").hasSize(1);
    }
    assertThat(ours).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
  }

  private void redirect(String path, int status, String location) {
    server.createContext(
        path,
        ex -> {
          ex.getResponseHeaders().add("Location", location);
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
  }

  @Test
  void followsRedirectsOverPlainHttp() {
    redirect("/moved", 301, "/again");
    redirect("/again", 307, base + "hello.txt");
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThat(f.fetch(base + "moved", 100))
          .hasValueSatisfying(x -> assertThat(x.body()).asString().isEqualTo("hello"));
    }
  }

  @Test
  void givesUpOnARedirectLoopAtOnceNamingIt() {
    AtomicInteger asked = new AtomicInteger();
    server.createContext(
        "/loop",
        ex -> {
          asked.incrementAndGet();
          ex.getResponseHeaders().add("Location", "/loop");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThatThrownBy(() -> f.fetch(base + "loop", 100))
          .isInstanceOf(NetworkException.class)
          .hasMessageContaining("redirects more than 5 times");
    }
    assertThat(asked).as("one request and 5 redirects, no retries").hasValue(6);
  }

  @Test
  void followsARelativeRedirectWithItsQuery() {
    List<String> seen = new CopyOnWriteArrayList<>();
    server.createContext(
        "/q",
        ex -> {
          seen.add(ex.getRequestURI().toString());
          byte[] body = "q".getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    redirect("/r", 302, "q?x=1&y=%20");
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThat(f.fetch(base + "r", 100)).isPresent();
    }
    assertThat(seen).containsExactly("/q?x=1&y=%20");
  }

  @Test
  void followsTheJvmsProxySettingsForPlainHttp() {
    String[] keys = {"http.proxyHost", "http.proxyPort", "http.nonProxyHosts"};
    String[] before = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      before[i] = System.getProperty(keys[i]);
    }
    System.setProperty("http.proxyHost", "127.0.0.1");
    System.setProperty("http.proxyPort", String.valueOf(server.getAddress().getPort()));
    System.setProperty("http.nonProxyHosts", "nothing.invalid");
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      // Only the proxy (this server) can answer for a host that does not exist.
      assertThat(f.fetch("http://mirror.example.invalid/hello.txt", 100))
          .hasValueSatisfying(x -> assertThat(x.body()).asString().isEqualTo("hello"));
      assertThat(f.clientThreads()).isNotEmpty();
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (before[i] == null) {
          System.clearProperty(keys[i]);
        } else {
          System.setProperty(keys[i], before[i]);
        }
      }
    }
  }

  @Test
  void describesNetworkFailuresOfPlainHttpInWords() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    FetchOptions once = FetchOptions.DEFAULT.withMaxAttempts(1);
    try (Fetcher f = new Fetcher(once, Optional.empty(), Clock.systemUTC())) {
      assertThatThrownBy(() -> f.fetch("http://no-such-host.invalid/x.crt", 100))
          .hasMessageContaining("host not found (DNS)");
      assertThatThrownBy(() -> f.fetch("http://127.0.0.1:" + closed + "/x.crt", 100))
          .hasMessageContaining("connection refused or unreachable");
    }
  }

  @Test
  void describesAMalformedAnswerWithoutJavaClassNames() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Thread t =
          new Thread(
              () -> {
                try (java.net.Socket c = s.accept()) {
                  c.getInputStream().read(new byte[4096]);
                  c.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                              .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                  c.getOutputStream().flush();
                  c.getInputStream().read(new byte[16]);
                } catch (java.io.IOException e) {
                  // the client went away
                }
              });
      t.setDaemon(true);
      t.start();
      FetchOptions once = FetchOptions.DEFAULT.withMaxAttempts(1);
      try (Fetcher f = new Fetcher(once, Optional.empty(), Clock.systemUTC())) {
        assertThatThrownBy(
                () -> f.fetch("http://127.0.0.1:" + s.getLocalPort() + "/authrootstl.cab", 100))
            .isInstanceOf(NetworkException.class)
            .hasMessageContaining("malformed chunk size")
            .hasMessageNotContaining("Exception");
      }
    }
    assertThat(Fetcher.describe(new java.io.IOException(new java.io.EOFException())))
        .isEqualTo("the connection ended early");
    assertThat(
            Fetcher.describe(
                new java.io.IOException(
                    "java.io.IOException: sun.security.x.SomeException: bad thing happened")))
        .isEqualTo("bad thing happened");
  }

  @Test
  void treatsARedirectToAnotherSchemeAsAnAnswer() {
    redirect("/ftp", 302, "ftp://example.invalid/x");
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThatThrownBy(() -> f.fetch(base + "ftp", 100))
          .isInstanceOf(NetworkException.class)
          .hasMessageContaining("answered HTTP 302");
    }
  }
}
