package dev.trustbundle.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ../shared/tools/make-upstream} trees and {@code upstream-sim} servers on 127.0.0.1 for
 * integration tests. Tests are skipped with a message when the tools, python3 or gcab are absent.
 */
public final class UpstreamSim implements AutoCloseable {
  private static final Path TOOLS = Path.of("..", "shared", "tools");
  private static final Map<String, Path> TREES = new ConcurrentHashMap<>();

  private final Process process;
  private final int port;
  public final Path log;

  private UpstreamSim(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Skips the test unless make-upstream can run here. */
  public static void require() {
    Fixtures.require();
    assumeTrue(Files.isExecutable(TOOLS.resolve("make-upstream")), "../shared/tools is absent");
    assumeTrue(onPath("python3"), "python3 is not installed: test skipped");
    assumeTrue(onPath("gcab"), "gcab is not installed (apt-get install gcab): test skipped");
  }

  private static boolean onPath(String cmd) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, cmd))) {
        return true;
      }
    }
    return false;
  }

  /** A trustedr/en/ tree for a fixture date, made once per JVM. */
  public static synchronized Path tree(String date) {
    require();
    return TREES.computeIfAbsent(
        date,
        d -> {
          try {
            Path out = Files.createTempDirectory("tb-upstream-").resolve(d);
            run(List.of(TOOLS.resolve("make-upstream").toString(), d, out.toString()));
            return out;
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts upstream-sim on a free loopback port serving {@code dir} with these extra flags. */
  public static UpstreamSim start(Path dir, String... flags) {
    require();
    try {
      Path log = Files.createTempFile("tb-sim-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add("python3");
      cmd.add(TOOLS.resolve("upstream-sim").toString());
      cmd.add(dir.toString());
      cmd.add("--port");
      cmd.add("0");
      cmd.add("--log");
      cmd.add(log.toString());
      cmd.addAll(List.of(flags));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if (line == null || !line.startsWith("listening on http://127.0.0.1:")) {
        p.destroyForcibly();
        throw new IllegalStateException("upstream-sim did not start: " + line);
      }
      int port = Integer.parseInt(line.replaceAll(".*:(\\d+)/.*", "$1"));
      return new UpstreamSim(p, port, log);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  /** Requests logged by status code. */
  public long count(int status) {
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains("\"status\": " + status))
          .count();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
