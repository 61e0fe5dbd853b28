package dev.trustbundle.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the probe's requests as a Windows client does (reference 2.4): HTTP/1.1, User-Agent {@code
 * Microsoft-CryptoAPI/10.0}, no retries (a client that fails waits for its next sync). Every
 * request is bounded: a whole-response timeout, a body limit, and a budget of requests per run.
 * {@code file:} URLs are read from the local folder, as a client reads a file share.
 */
final class ProbeTransport {
  /** What Windows 10 and 11 send (observed; reference 2.4). */
  static final String USER_AGENT = "Microsoft-CryptoAPI/10.0";

  /** Bodies of non-200 answers are read (so the connection can be reused) up to this, not kept. */
  private static final long MAX_ERROR_BODY = 1L << 20;

  private final ProbeOptions options;
  private final HttpClient http;
  private final AtomicInteger requests = new AtomicInteger();

  ProbeTransport(ProbeOptions options) {
    this.options = options;
    this.http =
        options.isFile()
            ? null
            : HttpClient.newBuilder()
                .connectTimeout(options.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
  }

  /** Requests sent so far. */
  int requests() {
    return requests.get();
  }

  /**
   * GETs {@code url} with the extra request headers; a body over {@code maxBytes} is refused. Never
   * throws for network trouble: the answer says what happened.
   */
  ProbeResponse get(String url, Map<String, String> headers, long maxBytes) {
    if (requests.incrementAndGet() > options.maxRequests()) {
      return ProbeResponse.failed(
          url, "not sent: the run's budget of " + options.maxRequests() + " requests is spent");
    }
    return options.isFile() ? readFile(url, maxBytes) : send(url, headers, maxBytes);
  }

  private ProbeResponse send(String url, Map<String, String> headers, long maxBytes) {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      return ProbeResponse.failed(url, "not a valid URL: " + e.getMessage());
    }
    b.timeout(options.timeout()).header("User-Agent", USER_AGENT).GET();
    headers.forEach(b::header);
    java.util.concurrent.atomic.AtomicReference<LimitedBody> body =
        new java.util.concurrent.atomic.AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> f =
        http.sendAsync(
            b.build(),
            info -> {
              LimitedBody l =
                  info.statusCode() == 200
                      ? new LimitedBody(maxBytes, false, info.statusCode())
                      : new LimitedBody(MAX_ERROR_BODY, true, info.statusCode());
              body.set(l);
              return l;
            });
    try {
      HttpResponse<byte[]> r = f.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new ProbeResponse(url, r.statusCode(), r.headers().map(), r.body(), Optional.empty());
    } catch (TimeoutException e) {
      // Stop reading a body that trickles in: the limit bounds its size, this its time.
      Optional.ofNullable(body.get()).ifPresent(LimitedBody::cancel);
      f.cancel(true);
      return ProbeResponse.failed(url, "timed out after " + options.timeout().toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TooLarge t) {
        return new ProbeResponse(
            url,
            t.status,
            Map.of(),
            new byte[0],
            Optional.of("the body is larger than the limit of " + maxBytes + " bytes; refused"));
      }
      return ProbeResponse.failed(url, dev.trustbundle.upstream.Fetcher.describe(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      return ProbeResponse.failed(url, "interrupted");
    }
  }

  private ProbeResponse readFile(String url, long maxBytes) {
    Path p;
    try {
      p = Path.of(URI.create(url));
    } catch (IllegalArgumentException e) {
      return ProbeResponse.failed(url, "not a local file URL: " + e.getMessage());
    }
    if (!Files.isRegularFile(p)) {
      // A folder, device or missing file: what a share would answer as "not found".
      return new ProbeResponse(url, 404, Map.of(), new byte[0], Optional.empty());
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        return new ProbeResponse(
            url,
            200,
            Map.of(),
            new byte[0],
            Optional.of("the file is larger than the limit of " + maxBytes + " bytes; refused"));
      }
      String lm =
          DateTimeFormatter.RFC_1123_DATE_TIME.format(
              ZonedDateTime.ofInstant(Files.getLastModifiedTime(p).toInstant(), ZoneOffset.UTC));
      return new ProbeResponse(
          url, 200, Map.of("last-modified", List.of(lm)), body, Optional.empty());
    } catch (NoSuchFileException e) {
      return new ProbeResponse(url, 404, Map.of(), new byte[0], Optional.empty());
    } catch (IOException e) {
      return ProbeResponse.failed(url, "cannot be read: " + e.getMessage());
    }
  }

  /** Thrown when a body passes its limit; the exchange is cancelled at once. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    TooLarge(int status) {
      super("body over the limit");
      this.status = status;
    }
  }

  /** Collects a body up to a limit, cancelling the exchange as soon as the limit is passed. */
  static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final boolean discard;
    private final int status;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private long seen;
    private volatile Flow.Subscription subscription;

    /**
     * A body of at most {@code max} bytes; with {@code discard} it is read (so that the connection
     * can be reused) but not kept, and a longer one ends the exchange with an empty body.
     */
    LimitedBody(long max, boolean discard, int status) {
      this.max = max;
      this.discard = discard;
      this.status = status;
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.completeExceptionally(new java.net.http.HttpTimeoutException("timed out"));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        seen += b.remaining();
        if (seen > max) {
          subscription.cancel();
          if (discard) {
            result.complete(new byte[0]);
          } else {
            result.completeExceptionally(new TooLarge(status));
          }
          return;
        }
        if (discard) {
          b.position(b.limit());
          continue;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buf.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(discard ? new byte[0] : buf.toByteArray());
    }
  }
}
