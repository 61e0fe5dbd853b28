package dev.trustbundle.upstream;

import dev.trustbundle.error.NetworkException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches URLs ({@code http}, {@code https}, {@code file}) with at most {@link
 * FetchOptions#concurrency()} in flight. Retries 5xx, 429, resets, timeouts and truncated bodies
 * with exponential backoff and jitter, honouring {@code Retry-After}; never retries 404. Answers
 * {@link Optional#empty()} for a missing file.
 */
public final class Fetcher implements AutoCloseable {
  private static final String USER_AGENT = "TrustBundle (Microsoft-CryptoAPI/10.0 compatible)";

  private final FetchOptions options;
  private final Optional<FetchCache> cache;
  private final Clock clock;
  private final HttpClient http;
  private final ExecutorService pool;
  private final ThreadGroup clientThreads = new ThreadGroup("trustbundle-http");
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  /** A fetcher; {@code clock} stamps {@link Fetched#fetchedAt()}. */
  public Fetcher(FetchOptions options, Optional<FetchCache> cache, Clock clock) {
    this.options = options;
    this.cache = cache;
    this.clock = clock;
    this.pool = Executors.newFixedThreadPool(options.concurrency(), daemonThreads());
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            // HTTP/1.1 keep-alive, as Windows Update's CDN serves; no h2c upgrade headers.
            .version(HttpClient.Version.HTTP_1_1)
            // Not the fetch pool: send() blocks pool threads while the client needs its own.
            .followRedirects(HttpClient.Redirect.NORMAL);
    options.proxy().ifPresent(p -> b.proxy(ProxySelector.of(p)));
    this.http = buildInOwnGroup(b, clientThreads);
  }

  /**
   * The client's selector thread is created by the thread that builds the client, in that thread's
   * group; building it in a group of our own lets {@link #close()} find that thread and stop it.
   * Java 17's client has no close(), and a selector thread left waiting in native code holds JVM
   * exit back by 300 ms (HotSpot waits for threads in native before it exits).
   */
  private static HttpClient buildInOwnGroup(HttpClient.Builder b, ThreadGroup group) {
    HttpClient[] built = new HttpClient[1];
    RuntimeException[] failed = new RuntimeException[1];
    Thread t =
        new Thread(
            group,
            () -> {
              try {
                built[0] = b.build();
              } catch (RuntimeException e) {
                failed[0] = e;
              }
            },
            "trustbundle-http-init");
    t.setDaemon(true);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the HTTP client", e);
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    return built[0];
  }

  /**
   * Loads the TLS and HTTP client classes and the default TLS context on a spare thread, so that a
   * later {@code new Fetcher(...)} does not wait for them; a command line calls this first thing.
   */
  public static void prewarm() {
    try {
      javax.net.ssl.SSLContext.getDefault();
      HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).GET().build();
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
      HttpRequest.Builder rb =
          HttpRequest.newBuilder(uri)
              .timeout(options.requestTimeout())
              .header("User-Agent", USER_AGENT)
              .GET();
      cached.flatMap(FetchCache.Entry::etag).ifPresent(e -> rb.header("If-None-Match", e));
      cached
          .flatMap(FetchCache.Entry::lastModified)
          .ifPresent(m -> rb.header("If-Modified-Since", m));
      Duration wait;
      try {
        HttpResponse<InputStream> resp =
            http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        try (InputStream in = resp.body()) {
          if (status == 200) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
              throw new NetworkException(
                  url + " is larger than the limit of " + maxBytes + " bytes; refused");
            }
            OptionalLong declared = resp.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent() && declared.getAsLong() != body.length) {
              lastProblem =
                  "the body was cut off ("
                      + body.length
                      + " of "
                      + declared.getAsLong()
                      + " bytes)";
              wait = backoff(attempt, Optional.empty());
            } else {
              bytes.addAndGet(body.length);
              return Optional.of(
                  new Fetched(
                      url,
                      body,
                      resp.headers().firstValue("ETag"),
                      resp.headers().firstValue("Last-Modified"),
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
            wait = backoff(attempt, resp.headers().firstValue("Retry-After"));
          } else {
            throw new NetworkException(
                url + " answered HTTP " + status + "; check the URL, --upstream and --rewrite");
          }
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
      } else if (t instanceof java.net.http.HttpTimeoutException) {
        best = "timed out";
      } else if (t instanceof javax.net.ssl.SSLException) {
        best = "TLS failed: " + t.getMessage();
      } else if (best == null && t.getMessage() != null) {
        best = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    return best != null ? best.replaceAll("\\s+", " ") : e.getClass().getSimpleName();
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
    // Stop the client's selector thread (see buildInOwnGroup): an interrupt wakes its select()
    // and ends its loop, which closes the client's connections.
    Thread[] threads = new Thread[8];
    int n = clientThreads.enumerate(threads);
    for (int i = 0; i < n; i++) {
      threads[i].interrupt();
    }
    for (int i = 0; i < n; i++) {
      try {
        threads[i].join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
