package dev.trustbundle.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
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
  void stopsItsClientThreadOnCloseSoThatTheJvmExitsWithoutWaiting() {
    Set<Thread> before = selectorThreads();
    Set<Thread> ours;
    try (Fetcher f = new Fetcher(FetchOptions.DEFAULT, Optional.empty(), Clock.systemUTC())) {
      assertThat(f.fetch(base + "hello.txt", 100)).isPresent();
      ours = selectorThreads();
      ours.removeAll(before);
      assertThat(ours).as("the client's selector thread while open").hasSize(1);
    }
    assertThat(ours).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
  }
}
