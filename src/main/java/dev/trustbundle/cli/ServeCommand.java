package dev.trustbundle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.serve.MirrorServer;
import dev.trustbundle.store.StateStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle serve}: the internal CTL mirror. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Serves the active version of a state folder as Windows clients expect it, at / and at"
          + " /msdownload/update/v3/static/trustedr/en/, with CRLs and CA certificates also at"
          + " their original URLs (by Host header) and under /crl/<host>/<path>.",
      "A newly imported version is picked up within a second, without a restart. Each version"
          + " is verified against its manifest and the bundle rules when it is loaded (at start,"
          + " import and rollback) and re-hashed every --scrub-interval; one that fails is not"
          + " served (the last good one is kept) and is reported in /status, /metrics and the"
          + " history. /status, /status.json, /healthz and /metrics describe the mirror.",
      "Connections are capped in all and per client address. If serve can no longer work (out"
          + " of memory, a thread it needs dead) it exits (code 3 when the JVM runs with"
          + " -XX:+ExitOnOutOfMemoryError, as the launcher starts it; otherwise 70) so that its"
          + " supervisor restarts it. SIGTERM stops it gracefully."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder.")
  Path state;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:80",
      description = "HTTP listen address (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
  String http;

  @Option(names = "--https", paramLabel = "HOST:PORT", description = "Also listen for HTTPS.")
  String https;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description = "PKCS#12 key and certificate for HTTPS.")
  Path tlsKeystore;

  @Option(
      names = "--tls-pass",
      paramLabel = "env:VAR|file:PATH",
      description = "Passphrase of --tls-keystore.")
  String tlsPass;

  @Option(
      names = "--path-prefix",
      paramLabel = "PATH",
      description = "Also serve the files under this path (e.g. /CTL); repeatable.")
  List<String> prefixes = new ArrayList<>();

  @Option(
      names = "--max-age",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "Cache-Control max-age (default: ${DEFAULT-VALUE}).")
  long maxAge;

  @Option(
      names = "--access-log",
      paramLabel = "FILE|-",
      description = "Access log to a file, or - for stdout.")
  String accessLog;

  @Option(
      names = "--access-log-format",
      paramLabel = "FORMAT",
      defaultValue = "combined",
      converter = AccessLogFormatConverter.class,
      description =
          "common (NCSA) or combined (NCSA combined, with Referer and User-Agent, then the"
              + " requested Host in quotes; default).")
  MirrorServer.AccessLogFormat accessLogFormat;

  /** common|combined, in any case; anything else a one-line usage error. */
  static final class AccessLogFormatConverter
      implements picocli.CommandLine.ITypeConverter<MirrorServer.AccessLogFormat> {
    @Override
    public MirrorServer.AccessLogFormat convert(String value) {
      return switch (value.toLowerCase(java.util.Locale.ROOT)) {
        case "common" -> MirrorServer.AccessLogFormat.COMMON;
        case "combined" -> MirrorServer.AccessLogFormat.COMBINED;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "expected common or combined, got " + value);
      };
    }
  }

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "64",
      description = "Most worker threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "" + MirrorServer.DEFAULT_MAX_CONNECTIONS,
      description = {
        "Most connections held open at once (default: ${DEFAULT-VALUE}); one over it is closed as"
            + " it is accepted. Each may take up to 16 KiB of heap: size -Xmx for it (the launcher"
            + " scripts/trustbundle does for the default)."
      })
  int maxConnections;

  @Option(
      names = "--max-connections-per-client",
      paramLabel = "N",
      defaultValue = "" + MirrorServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
      description = {
        "Most connections one client address holds open at once (default: ${DEFAULT-VALUE}), so"
            + " that one client cannot take every slot. Raise it when many clients share an"
            + " address (NAT, a proxy)."
      })
  int maxConnectionsPerClient;

  @Option(
      names = "--scrub-interval",
      paramLabel = "DURATION",
      defaultValue = "1h",
      description = {
        "How often the served version's files are hashed again, on disk and in memory, and"
            + " changes reported in /status, /metrics and the history (default: ${DEFAULT-VALUE};"
            + " e.g. 30m, 6h, 1d; 0 turns it off)."
      })
  String scrubInterval;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(state)) {
      throw new UsageException("--state " + state + " is not a folder; import a bundle first");
    }
    if (maxAge < 0 || maxAge > 31_536_000) {
      throw new UsageException("--max-age must be 0 to 31536000 seconds");
    }
    if (threads < 8 || threads > 1024) {
      throw new UsageException("--threads must be 8 to 1024");
    }
    if (https != null && tlsKeystore == null) {
      throw new UsageException("--https needs --tls-keystore FILE (PKCS#12)");
    }
    if (maxConnections < 1 || maxConnections > 1_000_000) {
      throw new UsageException("--max-connections must be 1 to 1000000");
    }
    if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > maxConnections) {
      throw new UsageException("--max-connections-per-client must be 1 to --max-connections");
    }
    java.time.Duration scrub = duration(scrubInterval, "--scrub-interval");
    for (String p : prefixes) {
      if (!p.matches("/?[A-Za-z0-9._~/-]{1,200}") || p.contains("..")) {
        throw new UsageException("--path-prefix " + p + " must be a plain path such as /CTL");
      }
    }
    MirrorServer.Options o =
        new MirrorServer.Options(
            Optional.of(address(http, "--http")),
            Optional.ofNullable(https).map(h -> address(h, "--https")),
            Optional.ofNullable(tlsKeystore),
            Optional.ofNullable(tlsPass).map(p -> Secrets.resolve(p, "--tls-pass")),
            prefixes,
            maxAge,
            Optional.ofNullable(accessLog),
            threads,
            maxConnections,
            maxConnectionsPerClient,
            scrub,
            ServeCommand::fatal,
            accessLogFormat);
    List<String> warnings = memoryWarnings(maxConnections);
    StateStore store = new StateStore(state);
    MirrorServer.exitOnThreadDeath(ServeCommand::fatal);
    MirrorServer server = new MirrorServer(store, o, Clock.systemUTC());
    server.start();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode line = mapper.createObjectNode();
    line.put("event", "started");
    line.set("urls", mapper.valueToTree(server.urls()));
    line.put("rootDirUrl", server.urls().get(0));
    line.put("state", state.toAbsolutePath().toString());
    line.put("active", server.servedId().orElse(null));
    server.activeProblem().ifPresent(p -> line.put("notServed", p));
    if (!warnings.isEmpty()) {
      line.set("warnings", mapper.valueToTree(warnings));
    }
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    server.join();
    return ExitCodes.OK;
  }

  /**
   * Ends the process when serve can no longer work, so that its supervisor (systemd, WinSW, a
   * restart loop) starts it again. This is the one place outside {@code Main} that ends the JVM:
   * the main thread is blocked in join() and may itself be starved; halt() skips shutdown hooks,
   * which a broken Jetty could hang in.
   */
  static void fatal(String why) {
    try {
      System.err.println(
          "trustbundle serve: fatal: "
              + dev.trustbundle.error.Messages.plain(why)
              + "; exiting so that the supervisor restarts it");
      System.err.flush();
    } catch (Throwable t) {
      // Out of memory even for the message: exit all the same.
    } finally {
      Runtime.getRuntime().halt(ExitCodes.INTERNAL);
    }
  }

  /** Where the JVM's memory is below what the caps and the size budget need. */
  static List<String> memoryWarnings(int maxConnections) {
    List<String> out = new ArrayList<>();
    long heap = Runtime.getRuntime().maxMemory();
    long needHeap = MirrorServer.heapNeeded(maxConnections);
    if (heap < needHeap) {
      out.add(
          "the heap ("
              + (heap >> 20)
              + " MiB) is below the "
              + (needHeap >> 20)
              + " MiB that --max-connections "
              + maxConnections
              + " needs; raise -Xmx or lower --max-connections");
    }
    long direct = maxDirectMemory();
    long needDirect = dev.trustbundle.bundle.Budget.SERVE_DIRECT_MEMORY;
    if (direct < needDirect) {
      out.add(
          "direct memory ("
              + (direct >> 20)
              + " MiB) is below the "
              + (needDirect >> 20)
              + " MiB a version at the size budget needs; raise -XX:MaxDirectMemorySize");
    }
    return out;
  }

  private static long maxDirectMemory() {
    try {
      String v =
          java.lang.management.ManagementFactory.getPlatformMXBean(
                  com.sun.management.HotSpotDiagnosticMXBean.class)
              .getVMOption("MaxDirectMemorySize")
              .getValue();
      long n = Long.parseLong(v);
      // 0: the JVM's default, as much as the heap may grow to.
      return n > 0 ? n : Runtime.getRuntime().maxMemory();
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code 0}, {@code 90s}, {@code 30m}, {@code 6h}, {@code 1d}, or ISO-8601 ({@code PT1H}). */
  static java.time.Duration duration(String s, String flag) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,9})([smhd]?)").matcher(s.trim());
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        java.time.Duration d =
            switch (m.group(2)) {
              case "s" -> java.time.Duration.ofSeconds(n);
              case "m" -> java.time.Duration.ofMinutes(n);
              case "h" -> java.time.Duration.ofHours(n);
              case "d" -> java.time.Duration.ofDays(n);
              default -> n == 0 ? java.time.Duration.ZERO : null;
            };
        if (d != null) {
          return d;
        }
      } else if (s.trim().toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
        java.time.Duration d = java.time.Duration.parse(s.trim());
        if (!d.isNegative()) {
          return d;
        }
      }
    } catch (RuntimeException e) {
      // Falls through to the usage error.
    }
    throw new UsageException(
        flag + " " + s + " is not a duration such as 30m, 6h or 1d (0 turns it off)");
  }

  static InetSocketAddress address(String s, String flag) {
    int colon = s.lastIndexOf(':');
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      String host = colon > 0 ? s.substring(0, colon) : "0.0.0.0";
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host.replace("[", "").replace("]", ""), port);
    } catch (RuntimeException e) {
      throw new UsageException(flag + " " + s + " is not HOST:PORT");
    }
  }
}
