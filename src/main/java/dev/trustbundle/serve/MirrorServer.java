package dev.trustbundle.serve;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.store.StateStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The mirror: Jetty with bounded resources, serving the active version and following imports. */
public final class MirrorServer implements AutoCloseable {
  /**
   * How to serve.
   *
   * @param http where to listen for HTTP, if at all
   * @param https where to listen for HTTPS, if at all
   * @param keystore the PKCS#12 key store for HTTPS
   * @param keystorePass its passphrase
   * @param prefixes extra path prefixes the files are also served under
   * @param maxAge Cache-Control max-age in seconds
   * @param accessLog NCSA access log file, "-" for stdout
   * @param maxThreads worker threads
   */
  public record Options(
      Optional<InetSocketAddress> http,
      Optional<InetSocketAddress> https,
      Optional<Path> keystore,
      Optional<char[]> keystorePass,
      List<String> prefixes,
      long maxAge,
      Optional<String> accessLog,
      int maxThreads) {}

  private final StateStore store;
  private final Server server;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final ScheduledExecutorService watcher;
  private final List<ServerConnector> connectors = new ArrayList<>();

  /** How long a new connection may take to send its first request's headers. */
  static final long HEADER_TIMEOUT_MILLIS = 10_000;

  private final SlowClientGuard slowClients = new SlowClientGuard(HEADER_TIMEOUT_MILLIS);

  public MirrorServer(StateStore store, Options o, Clock clock) {
    this.store = store;
    QueuedThreadPool pool =
        new QueuedThreadPool(o.maxThreads(), Math.min(8, o.maxThreads()), 60_000);
    pool.setName("trustbundle-serve");
    server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    cfg.setRequestHeaderSize(8 * 1024);
    cfg.setResponseHeaderSize(8 * 1024);
    cfg.setOutputBufferSize(32 * 1024);
    // Clients may build RootDirUrl + "/" + name (reference 2.4): tolerate an empty segment, and
    // nothing else the default compliance rejects (encoded dots, slashes, NUL).
    cfg.setUriCompliance(
        org.eclipse.jetty.http.UriCompliance.DEFAULT.with(
            "trustbundle", org.eclipse.jetty.http.UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    o.http()
        .ifPresent(
            a -> {
              ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(cfg));
              configure(c, a);
            });
    if (o.https().isPresent()) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(o.keystore().orElseThrow().toString());
      ssl.setKeyStoreType("PKCS12");
      o.keystorePass().ifPresent(p -> ssl.setKeyStorePassword(new String(p)));
      HttpConfiguration https = new HttpConfiguration(cfg);
      // Whether the certificate matches the name a client used is the client's check.
      https.addCustomizer(new SecureRequestCustomizer(false));
      ServerConnector c =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
      configure(c, o.https().get());
    }
    List<String> prefixes = new ArrayList<>(List.of("/", MirrorHandler.WINDOWS_UPDATE_PATH));
    for (String p : o.prefixes()) {
      String n = ("/" + p + "/").replaceAll("/{2,}", "/").toLowerCase(java.util.Locale.ROOT);
      prefixes.add(n);
    }
    Metrics metrics = new Metrics(clock, slowClients::dropped);
    MirrorHandler handler =
        new MirrorHandler(
            current::get,
            List.copyOf(prefixes),
            o.maxAge(),
            metrics,
            new StatusPages(store, clock));
    // Requests Jetty refuses itself (ambiguous or malformed URIs: traversal attempts) get the
    // same plain-text answer as ours and are counted in /metrics.
    server.setErrorHandler(
        (org.eclipse.jetty.server.Request.Handler)
            (request, response, callback) -> {
              int status = response.getStatus() >= 400 ? response.getStatus() : 400;
              return handler.text(
                  response,
                  callback,
                  status,
                  refusal(status),
                  "other",
                  request.getMethod().equals("HEAD"));
            });
    GracefulHandler graceful = new GracefulHandler(handler);
    server.setHandler(graceful);
    server.setStopTimeout(10_000);
    server.setStopAtShutdown(true);
    o.accessLog()
        .ifPresent(
            f -> {
              org.eclipse.jetty.server.RequestLog.Writer w;
              if (f.equals("-")) {
                w = line -> System.out.println(line);
              } else {
                RequestLogWriter file = new RequestLogWriter(f);
                file.setAppend(true);
                w = file;
              }
              server.setRequestLog(new CustomRequestLog(w, CustomRequestLog.NCSA_FORMAT));
            });
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "trustbundle-watch");
              t.setDaemon(true);
              return t;
            });
  }

  /** The one line Jetty's own refusals are answered with. */
  static String refusal(int status) {
    return switch (status) {
      case 414 -> "request URI too long\n";
      case 431 -> "request headers too large\n";
      case 505 -> "HTTP version not supported\n";
      default -> "bad request\n";
    };
  }

  private void configure(ServerConnector c, InetSocketAddress a) {
    c.setHost(a.getHostString());
    c.setPort(a.getPort());
    c.setIdleTimeout(30_000);
    c.setAcceptQueueSize(1024);
    c.addBean(slowClients);
    server.addConnector(c);
    connectors.add(c);
  }

  /** Loads the active version and starts listening; then follows new imports every second. */
  public void start() {
    reload();
    try {
      server.start();
    } catch (Exception e) {
      close();
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String lower = why.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("keystore") || lower.contains("password") || lower.contains("pkcs12")) {
        throw new UsageException(
            "--tls-keystore cannot be opened: " + why + "; check the file and --tls-pass");
      }
      throw new UsageException(
          "cannot listen: " + why + " (is the port in use, or below 1024 without privileges?)");
    }
    watcher.scheduleWithFixedDelay(this::reloadQuietly, 1, 1, TimeUnit.SECONDS);
    watcher.scheduleWithFixedDelay(
        () -> slowClients.sweep(System.currentTimeMillis()), 1, 1, TimeUnit.SECONDS);
  }

  /** Swaps in the active version if it changed. */
  public synchronized boolean reload() {
    Optional<StateStore.Active> active = store.active();
    if (active.isEmpty()) {
      return false;
    }
    Snapshot now = current.get();
    if (now != null && now.id().equals(active.get().id())) {
      return false;
    }
    try {
      current.set(Snapshot.load(active.get()));
      return true;
    } catch (java.io.IOException e) {
      throw new UsageException("the active version cannot be read: " + e.getMessage());
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // Keep serving the current version; the next tick retries.
    }
  }

  /** The slow-client guard, for tests. */
  SlowClientGuard slowClients() {
    return slowClients;
  }

  /** The active bundle id being served. */
  public Optional<String> servedId() {
    return Optional.ofNullable(current.get()).map(Snapshot::id);
  }

  /** The URLs listened on, e.g. {@code http://127.0.0.1:8080/}. */
  public List<String> urls() {
    List<String> out = new ArrayList<>();
    for (ServerConnector c : connectors) {
      String scheme =
          c.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
      String host = c.getHost() == null ? "0.0.0.0" : c.getHost();
      if (host.contains(":")) {
        host = "[" + host + "]";
      }
      out.add(scheme + "://" + host + ":" + c.getLocalPort() + "/");
    }
    return out;
  }

  /** Waits until the server stops (SIGTERM stops it gracefully). */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort.
    }
  }
}
