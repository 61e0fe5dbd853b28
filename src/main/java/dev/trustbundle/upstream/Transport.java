package dev.trustbundle.upstream;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One HTTP GET, without redirects or retries (the {@link Fetcher} does both): the status, the
 * response headers the fetcher reads, and a body bounded by the caller.
 */
interface Transport extends AutoCloseable {

  /** Most bytes of an error body that are read (and then dropped) to keep a connection open. */
  int ERROR_BODY_LIMIT = 64 * 1024;

  /**
   * Once the headers are in, a body has the request timeout plus this long per byte received: it
   * must arrive at 8 KiB/s on average (after the first request timeout's worth of time), and a
   * server that drips it slower is cut off.
   */
  long NANOS_PER_BODY_BYTE = java.util.concurrent.TimeUnit.SECONDS.toNanos(1) / 8192;

  /**
   * And whatever its rate, a body is cut off this long after its headers (or after the request
   * timeout, if that is longer): otherwise a server that drips just above 8 KiB/s would earn time
   * faster than it spends it and hold the build for as long as the size limit lasts (hours for 64
   * MiB). 15 minutes brings a 64 MiB CRL at 73 KiB/s or more.
   */
  long MAX_BODY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(15);

  /**
   * When a body whose headers arrived at {@code start} must be complete, after {@code bytes} of it:
   * {@code base} (the later of the header deadline and {@code start} plus {@code window}, the
   * request timeout) plus {@link #NANOS_PER_BODY_BYTE} per byte, and never later than {@code start}
   * plus {@link #MAX_BODY_NANOS} (or {@code window}, if longer). Times are {@link System#nanoTime}.
   */
  static long bodyDeadline(long start, long base, long window, long bytes) {
    long earned =
        base + Math.min(bytes, Long.MAX_VALUE / NANOS_PER_BODY_BYTE) * NANOS_PER_BODY_BYTE;
    long cap = start + Math.max(window, MAX_BODY_NANOS);
    return earned - cap < 0 ? earned : cap;
  }

  /**
   * Sends {@code GET uri} with {@code headers} (in their iteration order). The body of a 200 is
   * returned when it is at most {@code maxBytes} long ({@link Response#tooLarge()} otherwise);
   * other bodies are not returned.
   *
   * @throws IOException when no complete status line and headers arrive (connection refused or cut,
   *     timeout, malformed response)
   */
  Response get(URI uri, Map<String, String> headers, long maxBytes)
      throws IOException, InterruptedException;

  @Override
  void close();

  /**
   * A response.
   *
   * @param status the HTTP status code
   * @param headers the first value of each header, by lower-case name
   * @param body the body read (empty unless the status is 200)
   * @param declaredLength the Content-Length the server announced, when it announced one
   * @param truncated whether the connection ended before the end of the body
   * @param tooLarge whether the body of a 200 is longer than the caller's limit (it is then not
   *     read, or not all of it)
   */
  record Response(
      int status,
      Map<String, String> headers,
      byte[] body,
      OptionalLong declaredLength,
      boolean truncated,
      boolean tooLarge) {
    public Response {
      if (status < 100 || status > 999) {
        throw new IllegalArgumentException("status must be 100 to 999, not " + status);
      }
      headers = Map.copyOf(headers);
      for (String name : headers.keySet()) {
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("header names are lower case: " + name);
        }
      }
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(declaredLength, "declaredLength");
    }

    /** The first value of header {@code name} (any case). */
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }
}
