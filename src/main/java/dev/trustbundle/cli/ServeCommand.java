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
      "A newly imported version is picked up within a second, without a restart. /status,"
          + " /status.json, /healthz and /metrics describe the mirror. SIGTERM stops it"
          + " gracefully."
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
      description = "NCSA access log to a file, or - for stdout.")
  String accessLog;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "64",
      description = "Most worker threads (default: ${DEFAULT-VALUE}).")
  int threads;

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
            threads);
    StateStore store = new StateStore(state);
    MirrorServer server = new MirrorServer(store, o, Clock.systemUTC());
    server.start();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode line = mapper.createObjectNode();
    line.put("event", "started");
    line.set("urls", mapper.valueToTree(server.urls()));
    line.put("rootDirUrl", server.urls().get(0));
    line.put("state", state.toAbsolutePath().toString());
    line.put("active", server.servedId().orElse(null));
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    server.join();
    return ExitCodes.OK;
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
