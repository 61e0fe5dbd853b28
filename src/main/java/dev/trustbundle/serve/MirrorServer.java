package dev.trustbundle.serve;

import dev.trustbundle.bundle.Budget;
import dev.trustbundle.bundle.FileRole;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.store.StateStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ManagedSelector;
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
   * @param maxConnections connections held open at most, in all
   * @param maxConnectionsPerClient connections held open at most by one client address
   * @param scrubInterval how often the served version is re-hashed; zero: never
   * @param fatal told once when serve can no longer work (a dead critical thread, an Error): the
   *     caller is to end the process so that its supervisor restarts it
   */
  public record Options(
      Optional<InetSocketAddress> http,
      Optional<InetSocketAddress> https,
      Optional<Path> keystore,
      Optional<char[]> keystorePass,
      List<String> prefixes,
      long maxAge,
      Optional<String> accessLog,
      int maxThreads,
      int maxConnections,
      int maxConnectionsPerClient,
      Duration scrubInterval,
      Consumer<String> fatal,
      AccessLogFormat accessLogFormat) {
    public Options {
      if (accessLogFormat == null) {
        throw new IllegalArgumentException("the access log format must be given");
      }
      if (maxConnections < 1 || maxConnectionsPerClient < 1) {
        throw new IllegalArgumentException("connection caps must be positive");
      }
      if (maxConnectionsPerClient > maxConnections) {
        throw new IllegalArgumentException("the cap per client must not exceed the total");
      }
      if (scrubInterval == null || scrubInterval.isNegative()) {
        throw new IllegalArgumentException("the scrub interval must be zero or positive");
      }
      if (fatal == null) {
        throw new IllegalArgumentException("fatal must be given");
      }
    }

    /** The defaults for the caps and the scrub; a fatal condition is only printed. */
    public Options(
        Optional<InetSocketAddress> http,
        Optional<InetSocketAddress> https,
        Optional<Path> keystore,
        Optional<char[]> keystorePass,
        List<String> prefixes,
        long maxAge,
        Optional<String> accessLog,
        int maxThreads) {
      this(
          http,
          https,
          keystore,
          keystorePass,
          prefixes,
          maxAge,
          accessLog,
          maxThreads,
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
          DEFAULT_SCRUB_INTERVAL,
          why -> System.err.println("trustbundle serve: fatal: " + why),
          AccessLogFormat.COMBINED);
    }
  }

  /** The access log's line format. */
  public enum AccessLogFormat {
    /** NCSA common: client, user, time, request line, status, bytes. */
    COMMON(CustomRequestLog.NCSA_FORMAT),
    /**
     * NCSA combined (common plus Referer and User-Agent), then the Host the client asked for: the
     * name a CRL or CA certificate was requested under, for hosts internal DNS points here.
     */
    COMBINED(CustomRequestLog.EXTENDED_NCSA_FORMAT + " \"%{Host}i\"");

    private final String pattern;

    AccessLogFormat(String pattern) {
      this.pattern = pattern;
    }

    /** Jetty's CustomRequestLog format string. */
    public String pattern() {
      return pattern;
    }
  }

  /** Connections held open at most, in all, unless {@code --max-connections} says otherwise. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  /** Connections one client address may hold open at most, by default. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

  /** How often the served version is re-hashed, by default. */
  public static final Duration DEFAULT_SCRUB_INTERVAL = Duration.ofHours(1);

  /**
   * The heap one open connection may take at worst: Jetty's objects for it and a request header
   * that has not ended, accumulated up to the 8 KiB limit. scripts/bench/exhaust measured about 12
   * KiB for a connection holding a 7 KB header line and 4 KiB for an idle keep-alive one.
   */
  public static final long HEAP_PER_CONNECTION = 16L << 10;

  /**
   * The heap serve needs besides its connections: its own classes and objects, and the largest file
   * of the budget copied onto the heap while the rule check reads it.
   */
  public static final long BASE_HEAP = (24L << 20) + largestFile();

  /** Above this share of --max-connections, idle and header timeouts shorten to free slots. */
  static final double PRESSURE = 0.5;

  /** The idle timeout of a connection, and what it shortens to under pressure. */
  static final long IDLE_MILLIS = 30_000;

  static final long PRESSED_MILLIS = 2_000;

  private volatile boolean pressed;
  private volatile boolean relief = true;

  /** A dead critical part is one that has not run for this long. */
  static final long STALL_MILLIS = 30_000;

  private final Server server;
  private final QueuedThreadPool pool;
  private final Versions versions;
  private final ScheduledExecutorService watcher;
  private final List<ServerConnector> connectors = new ArrayList<>();
  private final ConnectionCaps caps;
  private final Watchdog watchdog;
  private final Duration scrubInterval;

  /** How long loading and verifying one version may hold the import watcher. */
  static final long LOAD_GRACE_MILLIS = 5 * 60_000;

  /** How long a new connection may take to send its first request's headers. */
  static final long HEADER_TIMEOUT_MILLIS = 10_000;

  private final SlowClientGuard slowClients = new SlowClientGuard(HEADER_TIMEOUT_MILLIS);

  public MirrorServer(StateStore store, Options o, Clock clock) {
    this(store, o, clock, (version, now) -> VersionLoader.load(version, now));
  }

  /**
   * A server whose versions' lists must chain to {@code anchors} instead of the pinned Microsoft
   * roots: for test mirrors of synthetic lists, as {@code inspect --trust-anchor} is for files.
   */
  public MirrorServer(
      StateStore store, Options o, Clock clock, dev.trustbundle.verify.TrustAnchors anchors) {
    this(store, o, clock, (version, now) -> VersionLoader.load(version, now, anchors));
  }

  /** With another way to load a version (tests: a loader that fails as a real one can). */
  MirrorServer(StateStore store, Options o, Clock clock, Versions.Loader loader) {
    this.scrubInterval = o.scrubInterval();
    this.caps = new ConnectionCaps(o.maxConnections(), o.maxConnectionsPerClient());
    this.watchdog = new Watchdog(STALL_MILLIS, System::currentTimeMillis, o.fatal());
    this.versions =
        new Versions(
            store, clock, line -> System.err.println("trustbundle serve: " + line), loader);
    pool = new QueuedThreadPool(o.maxThreads(), Math.min(8, o.maxThreads()), 60_000);
    pool.setName("trustbundle-serve");
    // Pooled buffers are direct (off the heap) and what the pool keeps is bounded; a buffer
    // taken beyond that is released to the GC when returned.
    ArrayByteBufferPool buffers =
        new ArrayByteBufferPool(0, 1024, 64 * 1024, -1, 4L << 20, 32L << 20);
    server = new Server(pool, null, buffers);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    cfg.setRequestHeaderSize(8 * 1024);
    cfg.setResponseHeaderSize(8 * 1024);
    cfg.setOutputBufferSize(32 * 1024);
    cfg.setUseInputDirectByteBuffers(true);
    cfg.setUseOutputDirectByteBuffers(true);
    // Clients may build RootDirUrl + "/" + name (reference 2.4): tolerate an empty segment, and
    // nothing else the default compliance rejects (encoded dots, slashes, NUL).
    cfg.setUriCompliance(
        org.eclipse.jetty.http.UriCompliance.DEFAULT.with(
            "trustbundle", org.eclipse.jetty.http.UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    o.http()
        .ifPresent(
            a -> {
              ServerConnector c =
                  new ServerConnector(server, 1, -1, new HttpConnectionFactory(cfg));
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
              server,
              1,
              -1,
              new SslConnectionFactory(ssl, "http/1.1"),
              new HttpConnectionFactory(https));
      configure(c, o.https().get());
    }
    List<String> prefixes = new ArrayList<>(List.of("/", MirrorHandler.WINDOWS_UPDATE_PATH));
    for (String p : o.prefixes()) {
      String n = ("/" + p + "/").replaceAll("/{2,}", "/").toLowerCase(java.util.Locale.ROOT);
      prefixes.add(n);
    }
    Metrics metrics = new Metrics(clock, slowClients::dropped, caps, versions);
    MirrorHandler handler =
        new MirrorHandler(
            versions::current,
            List.copyOf(prefixes),
            o.maxAge(),
            metrics,
            new StatusPages(store, clock, versions));
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
              server.setRequestLog(new CustomRequestLog(w, o.accessLogFormat().pattern()));
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
    c.setIdleTimeout(IDLE_MILLIS);
    c.setAcceptQueueSize(1024);
    c.addBean(slowClients);
    c.getSelectorManager().addEventListener(caps);
    server.addConnector(c);
    connectors.add(c);
  }

  /**
   * Loads the active version and starts listening; then follows new imports every second. A version
   * that fails verification at start is not served: serve starts anyway, /healthz answers 503 with
   * the reason, and the next good import is picked up without a restart.
   */
  public void start() {
    versions.reload();
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
    watchdog.watchSelfBeating("the import watcher");
    watchdog.watch(
        "Jetty's scheduler",
        beat -> server.getScheduler().schedule(beat, 0, TimeUnit.MILLISECONDS));
    watchdog.watch("the worker pool", Watchdog.executor(pool));
    for (ServerConnector c : connectors) {
      int i = 0;
      for (ManagedSelector ms : c.getSelectorManager().getBeans(ManagedSelector.class)) {
        watchdog.watch(
            "selector " + i++ + " of port " + c.getLocalPort(),
            beat -> ms.submit(sel -> beat.run()));
      }
    }
    watchdog.watch("the acceptors", beat -> acceptorsAlive(beat));
    watcher.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    if (!scrubInterval.isZero()) {
      long every = Math.max(1, scrubInterval.toSeconds());
      watcher.scheduleWithFixedDelay(versions::scrub, every, every, TimeUnit.SECONDS);
    }
    watchdog.start();
  }

  /**
   * Beats when every connector's acceptor is running. Jetty runs an acceptor as a pool job that
   * renames its thread while it accepts; an Error that ends the job leaves the port unanswered.
   */
  private void acceptorsAlive(Runnable beat) {
    if (acceptorsRunning()) {
      beat.run();
    }
  }

  /** Whether each connector has a thread accepting for it now. */
  boolean acceptorsRunning() {
    Thread[] all = new Thread[Thread.activeCount() + 16];
    int n = Thread.enumerate(all);
    for (ServerConnector c : connectors) {
      // Jetty names the thread "<pool>-acceptor-<id>@<hash>-<connector>"; the connector's own
      // toString() carries its identity hash.
      String tag = "@" + Integer.toHexString(System.identityHashCode(c));
      boolean found = false;
      for (int i = 0; i < n && !found; i++) {
        String name = all[i].getName();
        found = name.contains("-acceptor-") && name.contains(tag);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** Every second: pick up imports, drop slow clients, tell the watchdog the watcher lives. */
  private void tick() {
    // Nothing may end this task: a scheduled task that throws is never run again.
    try {
      // Loading a version within the budget takes seconds; the grant keeps a slow disk or a
      // slow machine from being taken for a dead watcher, while a load stuck for good still is.
      watchdog.grant("the import watcher", LOAD_GRACE_MILLIS);
      versions.reload();
      watchdog.beat("the import watcher");
      relievePressure();
      slowClients.sweep(
          System.currentTimeMillis(), pressed ? PRESSED_MILLIS : HEADER_TIMEOUT_MILLIS);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        watchdog.fire("the import watcher failed: " + t);
      }
    }
  }

  /**
   * When more than half the connection slots are taken, idle connections and unfinished headers get
   * 2 s instead of 30 s and 10 s, so that slots held by clients doing nothing come free for those
   * that ask; back to normal below half.
   */
  private void relievePressure() {
    boolean now = relief && caps.open() > caps.maxTotal() * PRESSURE;
    if (now == pressed) {
      return;
    }
    pressed = now;
    long idle = now ? PRESSED_MILLIS : IDLE_MILLIS;
    for (ServerConnector c : connectors) {
      c.setIdleTimeout(idle);
      for (org.eclipse.jetty.io.EndPoint e : c.getConnectedEndPoints()) {
        e.setIdleTimeout(idle);
      }
    }
  }

  /** Turns the shortening of timeouts under pressure on or off (tests of the caps alone). */
  void pressureRelief(boolean on) {
    relief = on;
  }

  /** Whether the timeouts are shortened because the slots are filling up. */
  boolean pressed() {
    return pressed;
  }

  /** Swaps in the active version if it changed and verifies; otherwise keeps the one served. */
  public boolean reload() {
    return versions.reload();
  }

  /** Re-hashes the served version now (as the periodic scrub does). */
  public void scrub() {
    versions.scrub();
  }

  /** The connection caps, for tests. */
  ConnectionCaps caps() {
    return caps;
  }

  /** The watchdog, for tests. */
  Watchdog watchdog() {
    return watchdog;
  }

  /** The served version and failures, for tests. */
  Versions versions() {
    return versions;
  }

  /**
   * Makes any Error that ends a thread (an OutOfMemoryError in a Jetty thread, for one) fatal: the
   * process is then to exit rather than live on with a part missing. For {@code serve} only: it
   * replaces the process-wide default handler.
   */
  public static void exitOnThreadDeath(Consumer<String> fatal) {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (e instanceof Error) {
            String why = "a thread died of an Error (out of memory?)";
            try {
              why = "thread " + t.getName() + " died: " + e;
            } catch (Throwable x) {
              // No memory even for the message: the constant says enough.
            }
            fatal.accept(why);
          } else if (previous != null) {
            previous.uncaughtException(t, e);
          }
        });
  }

  /** The heap serve needs with these connection caps. */
  public static long heapNeeded(int maxConnections) {
    return BASE_HEAP + maxConnections * HEAP_PER_CONNECTION;
  }

  private static long largestFile() {
    long max = 0;
    for (FileRole r : FileRole.values()) {
      max = Math.max(max, Budget.forRole(r));
    }
    return max;
  }

  /** The slow-client guard, for tests. */
  SlowClientGuard slowClients() {
    return slowClients;
  }

  /** The active bundle id being served. */
  public Optional<String> servedId() {
    return Optional.ofNullable(versions.current()).map(Snapshot::id);
  }

  /** Why the version active.json names is not served, if it is not. */
  public Optional<String> activeProblem() {
    return versions.activeFailure().map(f -> f.bundleId() + ": " + f.reason());
  }

  /**
   * The URLs clients can use, e.g. {@code http://127.0.0.1:8080/}; for a wildcard bind the host's
   * name and each reachable interface address, never {@code 0.0.0.0}.
   */
  public List<String> urls() {
    List<String> out = new ArrayList<>();
    List<java.net.InetAddress> addresses = null;
    Optional<String> fqdn = Optional.empty();
    for (ServerConnector c : connectors) {
      String scheme =
          c.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
      if (addresses == null && ListenUrls.isWildcard(c.getHost())) {
        addresses = ListenUrls.interfaceAddresses();
        fqdn = ListenUrls.fqdn();
      }
      out.addAll(
          ListenUrls.of(
              scheme,
              c.getHost(),
              c.getLocalPort(),
              addresses == null ? List.of() : addresses,
              fqdn));
    }
    return out;
  }

  /** Waits until the server stops (SIGTERM stops it gracefully). */
  public void join() throws InterruptedException {
    server.join();
    watchdog.stop();
  }

  @Override
  public void close() {
    watchdog.stop();
    watcher.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort.
    }
  }
}
