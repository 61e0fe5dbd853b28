package dev.trustbundle.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * GETs through the JDK's {@link HttpClient}: {@code https} URLs and anything sent through a proxy.
 * Redirects are left to the {@link Fetcher}, so that one policy covers both transports.
 */
final class JdkTransport implements Transport {
  private final HttpClient http;
  private final Duration requestTimeout;
  private final ThreadGroup clientThreads = new ThreadGroup("trustbundle-http");

  JdkTransport(
      Duration connectTimeout, Duration requestTimeout, Optional<InetSocketAddress> proxy) {
    this.requestTimeout = requestTimeout;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            // HTTP/1.1 keep-alive, as Windows Update's CDN serves; no h2c upgrade headers.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    proxy.ifPresent(p -> b.proxy(ProxySelector.of(p)));
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

  @Override
  public Response get(URI uri, Map<String, String> headers, long maxBytes)
      throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
    headers.forEach(rb::header);
    HttpResponse<InputStream> resp =
        http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
    Map<String, String> first = new HashMap<>();
    resp.headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                first.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
              }
            });
    OptionalLong declared = resp.headers().firstValueAsLong("Content-Length");
    int status = resp.statusCode();
    byte[] body = new byte[0];
    boolean tooLarge = false;
    try (InputStream in = resp.body()) {
      if (status == 200 && declared.isPresent() && declared.getAsLong() > maxBytes) {
        tooLarge = true;
      } else if (status == 200) {
        body = readBody(in, (int) Math.min(Integer.MAX_VALUE - 9, maxBytes) + 1);
        tooLarge = body.length > maxBytes;
        if (tooLarge) {
          body = new byte[0];
        }
      }
    }
    boolean truncated =
        status == 200 && !tooLarge && declared.isPresent() && declared.getAsLong() != body.length;
    return new Response(status, first, body, declared, truncated, tooLarge);
  }

  /**
   * Reads up to {@code max} bytes. The JDK client's timeout ends when the headers arrive; the body
   * gets the request timeout plus one second per 8 KiB received, at most {@link
   * Transport#MAX_BODY_NANOS} in all, as over plain http ({@link Transport#bodyDeadline}), and is
   * cut off (closing the stream cancels the exchange) when a server drips it slower than that.
   */
  private byte[] readBody(InputStream in, int max) throws IOException {
    long start = System.nanoTime();
    long window = requestTimeout.toNanos();
    java.util.concurrent.atomic.AtomicLong deadline =
        new java.util.concurrent.atomic.AtomicLong(start + window);
    java.util.concurrent.atomic.AtomicBoolean timedOut =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ScheduledFuture<?> watch =
        WATCHDOG.scheduleWithFixedDelay(
            () -> {
              if (System.nanoTime() - deadline.get() > 0) {
                timedOut.set(true);
                try {
                  in.close();
                } catch (IOException e) {
                  // Closing is all that is wanted.
                }
              }
            },
            250,
            250,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(16 * 1024);
    byte[] buf = new byte[16 * 1024];
    try {
      while (out.size() < max) {
        int n = in.read(buf, 0, Math.min(buf.length, max - out.size()));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        deadline.set(Transport.bodyDeadline(start, start + window, window, out.size()));
      }
    } catch (IOException e) {
      if (timedOut.get()) {
        throw new java.net.http.HttpTimeoutException("timed out reading the body");
      }
      throw e;
    } finally {
      watch.cancel(false);
    }
    if (timedOut.get()) {
      // The closed stream may have read as a clean end: never pass off a cut body as whole.
      throw new java.net.http.HttpTimeoutException("timed out reading the body");
    }
    return out.toByteArray();
  }

  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "trustbundle-http-watchdog");
            t.setDaemon(true);
            return t;
          });

  /** The client's own threads (its selector), for tests. */
  List<Thread> threads() {
    Thread[] threads = new Thread[8];
    int n = clientThreads.enumerate(threads);
    return List.copyOf(java.util.Arrays.asList(threads).subList(0, n));
  }

  @Override
  public void close() {
    // Stop the client's selector thread (see buildInOwnGroup): an interrupt wakes its select()
    // and ends its loop, which closes the client's connections.
    List<Thread> threads = threads();
    threads.forEach(Thread::interrupt);
    for (Thread t : threads) {
      try {
        t.join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
