package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.cli.BuildCommandTestAccess;
import dev.trustbundle.cli.Main;
import dev.trustbundle.store.StateStore;
import dev.trustbundle.testing.UpstreamSim;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection caps at a small scale (issue 11, finding 1): idle keep-alive and slow-header
 * connections beyond the caps are closed as they are accepted, one address cannot take the slots of
 * others, and normal clients are answered during and after. scripts/bench/exhaust does the same at
 * full scale.
 */
class ConnectionCapsTest {
  static final int TOTAL = 12;
  static final int PER_CLIENT = 4;
  static MirrorServer server;
  static int port;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    BuildCommandTestAccess.keys(dir.resolve("keys"));
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTestAccess.certificate());
    Path bundle = dir.resolve("one.tar.gz");
    assertThat(
            BuildCommandTestAccess.build(
                UpstreamSim.tree("2025-06-16").toString(), bundle, Instant.now().toString()))
        .isZero();
    Path state = dir.resolve("state");
    assertThat(
            Main.run(
                new String[] {
                  "import",
                  bundle.toString(),
                  "--state",
                  state.toString(),
                  "--trust",
                  trust.toString()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())))
        .isZero();
    server =
        new MirrorServer(
            new StateStore(state),
            new MirrorServer.Options(
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                600,
                Optional.empty(),
                16,
                TOTAL,
                PER_CLIENT,
                Duration.ZERO,
                why -> {},
                MirrorServer.AccessLogFormat.COMBINED),
            Clock.systemUTC());
    server.start();
    port = URIport(server.urls().get(0));
  }

  static int URIport(String url) {
    return java.net.URI.create(url).getPort();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Socket connect(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port));
    s.setSoTimeout(20_000);
    return s;
  }

  /** One keep-alive request; the status line, or null when the server closed the connection. */
  static String request(Socket s) throws IOException {
    try {
      s.getOutputStream()
          .write(
              "HEAD /authrootseq.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        head.append((char) c);
        if (head.toString().endsWith("\r\n\r\n")) {
          return head.substring(0, head.indexOf("\r\n"));
        }
      }
      return null;
    } catch (java.net.SocketException e) {
      return null;
    }
  }

  /**
   * Opens {@code PER_CLIENT} connections from each of two more addresses that hold an unfinished 7
   * KB header line, and waits for every slot to be counted; on failure closes them again.
   */
  static boolean fillWithSlowClients(List<Socket> held) throws Exception {
    List<Socket> mine = new ArrayList<>();
    for (String from : List.of("127.0.0.3", "127.0.0.4")) {
      for (int i = 0; i < PER_CLIENT; i++) {
        Socket s = connect(from);
        s.getOutputStream()
            .write(
                ("GET /authrootstl.cab HTTP/1.1\r\nX-Slow: " + "a".repeat(7000))
                    .getBytes(StandardCharsets.US_ASCII));
        mine.add(s);
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (server.caps().open() < TOTAL && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (server.caps().open() == TOTAL) {
      held.addAll(mine);
      return true;
    }
    System.err.printf(
        "slots not filled: open %d; refused in all %d, per client %d; slow clients dropped %d%n",
        server.caps().open(),
        server.caps().refusedTotal(),
        server.caps().refusedPerClient(),
        server.slowClients().dropped());
    for (Socket s : mine) {
      s.close();
    }
    return false;
  }

  /** A fresh client that makes one request and leaves. */
  static String normalClient(String from) throws IOException {
    try (Socket s = connect(from)) {
      return request(s);
    }
  }

  static void awaitOpen(int atMost) throws InterruptedException {
    // Closing is asynchronous, and slow on a loaded machine; a liveness bound, not a speed
    // target. A test that starts while another's connections still count would see its own
    // refused at the total cap, so this must really reach the bound.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.caps().open() > atMost && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(server.caps().open()).as("connections still open").isLessThanOrEqualTo(atMost);
  }

  @Test
  void capsHoldForIdleAndSlowConnectionsAndNormalClientsAreStillAnswered() throws Exception {
    // The caps alone: shortened timeouts would close the held connections while they are counted.
    server.pressureRelief(false);
    awaitOpen(0);
    List<Socket> held = new ArrayList<>();
    try {
      // One address: idle keep-alive connections that each made a request, up to its cap...
      for (int i = 0; i < PER_CLIENT; i++) {
        Socket s = connect("127.0.0.2");
        assertThat(request(s)).startsWith("HTTP/1.1 200");
        held.add(s);
      }
      // ...and no further: the next is closed without an answer.
      long perClientBefore = server.caps().refusedPerClient();
      try (Socket s = connect("127.0.0.2")) {
        assertThat(request(s)).isNull();
      }
      assertThat(server.caps().refusedPerClient()).isGreaterThan(perClientBefore);
      // Others are answered meanwhile.
      assertThat(normalClient("127.0.0.1")).startsWith("HTTP/1.1 200");
      // Two more addresses hold unfinished header lines up to their caps: all slots are taken.
      // On a machine loaded by other work the slots can fail to fill in time (the reason is
      // printed); the fill is tried once more before the test fails.
      // The normal client's connection must be released first, or it takes one of the slots.
      awaitOpen(PER_CLIENT);
      if (!fillWithSlowClients(held)) {
        awaitOpen(PER_CLIENT);
        assertThat(fillWithSlowClients(held))
            .as(
                "all slots taken; refused in all %d, per client %d; slow clients dropped %d",
                server.caps().refusedTotal(),
                server.caps().refusedPerClient(),
                server.slowClients().dropped())
            .isTrue();
      }
      long totalBefore = server.caps().refusedTotal();
      assertThat(normalClient("127.0.0.5")).isNull();
      assertThat(server.caps().refusedTotal()).isGreaterThan(totalBefore);
      assertThat(server.caps().open()).isEqualTo(TOTAL);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // After the attack: the slots are free again and clients are answered.
    awaitOpen(0);
    assertThat(server.caps().open()).isZero();
    for (int i = 0; i < TOTAL + 2; i++) {
      assertThat(normalClient("127.0.0.2")).startsWith("HTTP/1.1 200");
    }
    try (Socket s = connect("127.0.0.1")) {
      s.getOutputStream()
          .write(
              "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String metrics = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(metrics)
          .containsPattern("trustbundle_connections_refused_total\\{cap=\"total\"\\} [1-9]")
          .containsPattern("trustbundle_connections_refused_total\\{cap=\"per_client\"\\} [1-9]")
          .contains("trustbundle_connections_max " + TOTAL);
    }
    assertThat(server.acceptorsRunning()).isTrue();
    assertThat(server.watchdog().fired()).isFalse();
  }

  /**
   * Above half the slots, idle connections are given 2 s instead of 30 s, so that slots held by
   * clients doing nothing come free; below half, the normal timeouts return.
   */
  @Test
  void idleConnectionsAreClosedSoonerWhenTheSlotsFillUp() throws Exception {
    server.pressureRelief(true);
    awaitOpen(0);
    List<Socket> held = new ArrayList<>();
    try {
      for (String from : List.of("127.0.0.6", "127.0.0.7")) {
        for (int i = 0; i < PER_CLIENT; i++) {
          Socket s = connect(from);
          assertThat(request(s)).startsWith("HTTP/1.1 200");
          held.add(s);
        }
      }
      // Liveness bounds, not speed targets: the check runs every second.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!server.pressed() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.pressed()).isTrue();
      for (Socket s : held) {
        // Closed by the shortened idle timeout, well before the usual 30 s (the read would wait).
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      awaitOpen(0);
      deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (server.pressed() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.pressed()).isFalse();
      assertThat(normalClient("127.0.0.6")).startsWith("HTTP/1.1 200");
    } finally {
      for (Socket s : held) {
        s.close();
      }
      server.pressureRelief(false);
    }
  }
}
