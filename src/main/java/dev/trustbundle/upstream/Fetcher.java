package dev.trustbundle.upstream;

import dev.trustbundle.error.NetworkException;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches URLs ({@code http}, {@code https}, {@code file}) with at most {@link
 * FetchOptions#concurrency()} in flight. Retries 5xx, 429, resets, timeouts and truncated bodies
 * with exponential backoff and jitter, honouring {@code Retry-After}; never retries 404. Answers
 * {@link Optional#empty()} for a missing file. Plain http goes over {@link Http1Transport}, https
 * and proxied requests over {@link JdkTransport}.
 */
public final class Fetcher implements AutoCloseable {
  private static final String USER_AGENT = "TrustBundle (Microsoft-CryptoAPI/10.0 compatible)";

  private final FetchOptions options;
  private final Optional<FetchCache> cache;
  private final Clock clock;
  private final ExecutorService pool;
  private final Http1Transport plain;
  private final Object jdkLock = new Object();
  private JdkTransport jdk; // guarded by jdkLock; made on the first https or proxied request
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  /** Redirects followed per request, as the JDK client's {@code Redirect.NORMAL} allows. */
  static final int MAX_REDIRECTS = 5;

  /** A fetcher; {@code clock} stamps {@link Fetched#fetchedAt()}. */
  public Fetcher(FetchOptions options, Optional<FetchCache> cache, Clock clock) {
    this.options = options;
    this.cache = cache;
    this.clock = clock;
    this.pool = Executors.newFixedThreadPool(options.concurrency(), daemonThreads());
    this.plain =
        new Http1Transport(
            options.connectTimeout(), options.requestTimeout(), options.concurrency());
  }

  /**
   * Plain http without a proxy goes over our own connections (see {@link Http1Transport}); https
   * and proxied requests over the JDK client, which is built only then: its TLS context costs a
   * tenth of a second of start-up that a plain-http build never needs.
   */
  private Transport transportFor(URI uri) {
    if ("http".equalsIgnoreCase(uri.getScheme()) && options.proxy().isEmpty() && direct(uri)) {
      return plain;
    }
    synchronized (jdkLock) {
      if (jdk == null) {
        jdk = new JdkTransport(options.connectTimeout(), options.requestTimeout(), options.proxy());
      }
      return jdk;
    }
  }

  /**
   * Whether the JVM's proxy settings ({@code http.proxyHost}, {@code http.nonProxyHosts}, {@code
   * java.net.useSystemProxies}) send {@code uri} direct, as the JDK client would ask them.
   */
  private static boolean direct(URI uri) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return true;
    }
    try {
      return selector.select(uri).stream().allMatch(p -> p.type() == java.net.Proxy.Type.DIRECT);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The JDK client's threads, when it has been built (tests). */
  List<Thread> clientThreads() {
    synchronized (jdkLock) {
      return jdk == null ? List.of() : jdk.threads();
    }
  }

  /**
   * Sends one GET, following redirects as the JDK client's {@code Redirect.NORMAL} does: 301, 302,
   * 303, 307 and 308 to http or https, never from https down to http, at most {@value
   * #MAX_REDIRECTS} times.
   */
  private Transport.Response send(URI uri, Map<String, String> headers, long maxBytes)
      throws IOException, InterruptedException {
    URI at = uri;
    for (int hop = 0; ; hop++) {
      Transport.Response r = transportFor(at).get(at, headers, maxBytes);
      int s = r.status();
      Optional<String> location = r.header("Location");
      if (!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308) || location.isEmpty()) {
        return r;
      }
      URI next;
      try {
        next = at.resolve(new URI(location.get()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new NetworkException(
            uri
                + " redirects to an invalid URL ("
                + Http1Transport.printable(location.get(), 80)
                + ")");
      }
      String from = at.getScheme().toLowerCase(Locale.ROOT);
      String to = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!(to.equals("http") || to.equals("https"))
          || (from.equals("https") && to.equals("http"))) {
        return r;
      }
      if (hop >= MAX_REDIRECTS) {
        throw new NetworkException(
            uri + " redirects more than " + MAX_REDIRECTS + " times (last to " + next + ")");
      }
      at = next;
    }
  }

  /**
   * Loads the JDK HTTP client and, when {@code tls}, the default TLS context on a spare thread, so
   * that the first https request does not wait for them; a command line calls this first thing.
   */
  public static void prewarm(boolean tls) {
    try {
      if (tls) {
        javax.net.ssl.SSLContext.getDefault();
        HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).GET().build();
      } else {
        Http1Transport.request(URI.create("http://127.0.0.1/"), "127.0.0.1", 80, Map.of());
      }
    } catch (java.security.NoSuchAlgorithmException | RuntimeException e) {
      // Only a warm-up: the real client reports its own errors.
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "trustbundle-fetch");
      t.setDaemon(true);
      return t;
    };
  }

  /** The URL actually requested for {@code url}, after --rewrite. */
  public String target(String url) {
    return options.rewrite(url);
  }

  /** Counters for the summary. */
  public record Stats(long requests, long bytes, long notModified, long retries) {}

  public Stats stats() {
    return new Stats(requests.get(), bytes.get(), notModified.get(), retries.get());
  }

  /** Fetches asynchronously; the future fails with {@link NetworkException}. */
  public CompletableFuture<Optional<Fetched>> fetchAsync(String url, long maxBytes) {
    return CompletableFuture.supplyAsync(() -> fetch(url, maxBytes), pool);
  }

  /**
   * Fetches {@code url} (rewritten by the options), refusing bodies over {@code maxBytes}.
   *
   * @return the body, or empty when the server says 404/410 or the file does not exist
   * @throws NetworkException when every attempt failed
   */
  public Optional<Fetched> fetch(String url, long maxBytes) {
    String target = options.rewrite(url);
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      throw new NetworkException(url + " is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return readFile(url, Path.of(uri), maxBytes);
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new NetworkException(url + ": only http, https and file URLs are supported");
    }
    Optional<FetchCache.Entry> cached = cache.flatMap(c -> c.lookup(url));
    String lastProblem = "";
    for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
      if (attempt > 1) {
        retries.incrementAndGet();
      }
      requests.incrementAndGet();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("User-Agent", USER_AGENT);
      cached.flatMap(FetchCache.Entry::etag).ifPresent(e -> headers.put("If-None-Match", e));
      cached
          .flatMap(FetchCache.Entry::lastModified)
          .ifPresent(m -> headers.put("If-Modified-Since", m));
      Duration wait;
      try {
        Transport.Response resp = send(uri, headers, maxBytes);
        int status = resp.status();
        if (status == 200) {
          byte[] body = resp.body();
          if (resp.tooLarge() || body.length > maxBytes) {
            throw new NetworkException(
                url + " is larger than the limit of " + maxBytes + " bytes; refused");
          }
          if (resp.truncated()) {
            lastProblem =
                "the body was cut off ("
                    + body.length
                    + (resp.declaredLength().isPresent()
                        ? " of " + resp.declaredLength().getAsLong()
                        : "")
                    + " bytes)";
            wait = backoff(attempt, Optional.empty());
          } else {
            bytes.addAndGet(body.length);
            return Optional.of(
                new Fetched(
                    url,
                    body,
                    resp.header("ETag"),
                    resp.header("Last-Modified"),
                    clock.instant(),
                    false,
                    attempt));
          }
        } else if (status == 304 && cached.isPresent()) {
          notModified.incrementAndGet();
          FetchCache.Entry c = cached.get();
          return Optional.of(
              new Fetched(
                  url, c.body(), c.etag(), c.lastModified(), clock.instant(), true, attempt));
        } else if (status == 404 || status == 410) {
          return Optional.empty();
        } else if (status >= 500 || status == 429 || status == 408) {
          lastProblem = "HTTP " + status;
          wait = backoff(attempt, resp.header("Retry-After"));
        } else {
          throw new NetworkException(
              url + " answered HTTP " + status + "; check the URL, --upstream and --rewrite");
        }
      } catch (IOException e) {
        lastProblem = describe(e);
        wait = backoff(attempt, Optional.empty());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NetworkException(url + ": interrupted");
      }
      if (attempt < options.maxAttempts()) {
        sleep(wait);
      }
    }
    throw new NetworkException(
        url
            + (target.equals(url) ? "" : " (fetched as " + target + ")")
            + " failed after "
            + options.maxAttempts()
            + (options.maxAttempts() == 1 ? " attempt" : " attempts")
            + " (last: "
            + lastProblem.replaceAll("\\s+", " ")
            + "); check the network, the proxy (--proxy) or --upstream");
  }

  private Optional<Fetched> readFile(String url, Path p, long maxBytes) {
    try {
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      if (Files.size(p) > maxBytes) {
        throw new NetworkException(url + " is larger than the limit of " + maxBytes + " bytes");
      }
      byte[] body = Files.readAllBytes(p);
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      String lm =
          DateTimeFormatter.RFC_1123_DATE_TIME.format(
              ZonedDateTime.ofInstant(
                  Files.getLastModifiedTime(p).toInstant(), java.time.ZoneOffset.UTC));
      return Optional.of(
          new Fetched(url, body, Optional.empty(), Optional.of(lm), clock.instant(), false, 1));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new NetworkException(url + " cannot be read: " + e.getMessage());
    }
  }

  /** Names a network failure in words: the innermost useful message of the cause chain. */
  public static String describe(Throwable e) {
    Throwable t = e;
    String best = null;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof java.net.UnknownHostException) {
        return "host not found (DNS)";
      }
      if (t instanceof java.net.ConnectException) {
        best = "connection refused or unreachable";
      } else if (t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException) {
        best = "timed out";
      } else if (t instanceof javax.net.ssl.SSLException) {
        best = "TLS failed: " + words(t).orElse("the handshake did not complete");
      } else if (best == null) {
        best = words(t).orElse(null);
      }
    }
    if (best != null) {
      return best;
    }
    // No message anywhere: say what kind of failure it was, in words, not by its class name.
    return e instanceof java.io.EOFException || e.getCause() instanceof java.io.EOFException
        ? "the connection ended early"
        : "the connection failed";
  }

  /** A message without the class names libraries put in it; empty when it is only a class name. */
  private static Optional<String> words(Throwable t) {
    if (t.getMessage() == null || t.getMessage().isBlank()) {
      return Optional.empty();
    }
    String m = dev.trustbundle.error.Messages.plain(t.getMessage());
    // "java.io.EOFException", as a wrapping exception's message names its cause.
    if (m.matches("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*")) {
      return Optional.empty();
    }
    return Optional.of(m);
  }

  /** Exponential backoff with full jitter; a Retry-After in seconds wins when it is longer. */
  Duration backoff(int attempt, Optional<String> retryAfter) {
    long base = options.baseBackoff().toMillis() << Math.min(attempt - 1, 10);
    long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    long ms = jittered;
    if (retryAfter.isPresent()) {
      try {
        ms = Math.max(ms, Long.parseLong(retryAfter.get().trim()) * 1000);
      } catch (NumberFormatException e) {
        // An HTTP-date Retry-After: keep our own backoff.
      }
    }
    return Duration.ofMillis(Math.min(ms, options.maxBackoff().toMillis()));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetworkException("interrupted while waiting to retry");
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    plain.close();
    synchronized (jdkLock) {
      if (jdk != null) {
        jdk.close();
      }
    }
  }
}
