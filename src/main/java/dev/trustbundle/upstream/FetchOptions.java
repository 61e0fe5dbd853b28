package dev.trustbundle.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to fetch.
 *
 * @param concurrency most requests in flight at once
 * @param maxAttempts tries per URL (first request included)
 * @param baseBackoff the first retry waits about this long; each further retry doubles it
 * @param maxBackoff upper bound of one wait, Retry-After included
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout whole-response timeout per request
 * @param rewrites URL prefix rewrites, applied in order, first match wins
 * @param proxy an HTTP proxy
 */
public record FetchOptions(
    int concurrency,
    int maxAttempts,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration requestTimeout,
    List<Rewrite> rewrites,
    Optional<InetSocketAddress> proxy) {
  public static final FetchOptions DEFAULT =
      new FetchOptions(
          16,
          11,
          Duration.ofMillis(250),
          Duration.ofSeconds(15),
          Duration.ofSeconds(15),
          Duration.ofSeconds(60),
          List.of(),
          Optional.empty());

  public FetchOptions {
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency must be 1 to 256");
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException("maxAttempts must be 1 to 20");
    }
    Objects.requireNonNull(baseBackoff, "baseBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    rewrites = List.copyOf(rewrites);
    Objects.requireNonNull(proxy, "proxy");
  }

  public FetchOptions withConcurrency(int n) {
    return new FetchOptions(
        n, maxAttempts, baseBackoff, maxBackoff, connectTimeout, requestTimeout, rewrites, proxy);
  }

  public FetchOptions withRewrites(List<Rewrite> r) {
    return new FetchOptions(
        concurrency,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        connectTimeout,
        requestTimeout,
        r,
        proxy);
  }

  public FetchOptions withProxy(Optional<InetSocketAddress> p) {
    return new FetchOptions(
        concurrency,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        connectTimeout,
        requestTimeout,
        rewrites,
        p);
  }

  public FetchOptions withMaxAttempts(int n) {
    return new FetchOptions(
        concurrency, n, baseBackoff, maxBackoff, connectTimeout, requestTimeout, rewrites, proxy);
  }

  public FetchOptions withBackoff(Duration base, Duration max) {
    return new FetchOptions(
        concurrency, maxAttempts, base, max, connectTimeout, requestTimeout, rewrites, proxy);
  }

  /** The URL after the first matching rewrite. */
  public String rewrite(String url) {
    for (Rewrite r : rewrites) {
      if (url.startsWith(r.from())) {
        return r.to() + url.substring(r.from().length());
      }
    }
    return url;
  }

  /**
   * A URL prefix mapping ({@code --rewrite FROM=TO}).
   *
   * @param from the prefix to replace
   * @param to its replacement
   */
  public record Rewrite(String from, String to) {
    public Rewrite {
      if (from == null || from.isEmpty() || to == null || to.isEmpty()) {
        throw new IllegalArgumentException("a rewrite needs FROM=TO, both non-empty");
      }
    }

    /** Parses {@code FROM=TO}. */
    public static Rewrite parse(String s) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new IllegalArgumentException("--rewrite " + s + " is not FROM=TO");
      }
      return new Rewrite(s.substring(0, eq), s.substring(eq + 1));
    }
  }
}
