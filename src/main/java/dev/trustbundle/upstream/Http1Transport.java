package dev.trustbundle.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;

/**
 * Plain {@code http} GETs (RFC 9112) over keep-alive connections of its own, for the one thing the
 * JDK client cannot do: acknowledge a response's headers at once.
 *
 * <p>Many servers write the status line and headers in one segment and the body in a second, with
 * Nagle's algorithm on (Python's {@code http.server}, which {@code upstream-sim} is built on, and
 * many embedded servers). The body then waits until the headers are acknowledged, and on a
 * connection that is being reused Linux delays that acknowledgement by 40 ms (delayed ACK in
 * "ping-pong" mode). Every request after a connection's first then costs 40 ms more than the
 * network needs: at 50 ms of latency, 92 ms a request instead of 51 ms, measured with curl against
 * {@code upstream-sim}. Setting {@code TCP_QUICKACK} after sending each request (Linux; a no-op
 * elsewhere) takes the delay away; a real client socket is needed for that, hence this class.
 *
 * <p>Everything read is bounded: status and header lines ({@value #MAX_LINE} bytes), the header
 * block ({@value #MAX_HEADER_BYTES} bytes, {@value #MAX_HEADERS} fields), bodies (the caller's
 * limit), and the whole exchange (the request timeout). Chunked and length-delimited bodies are
 * read; a body cut short is reported, never passed off as complete.
 */
final class Http1Transport implements Transport {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEADER_BYTES = 64 * 1024;
  static final int MAX_HEADERS = 100;
  private static final int MAX_INFORMATIONAL = 8;

  /** A request waiting this long for a new-connection permit opens one anyway. */
  private static final long GATE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final java.util.regex.Pattern OWS_COMMA =
      java.util.regex.Pattern.compile("[ \t]*,[ \t]*");

  /**
   * New connections to one host that may be opening at once; a connection counts until the server's
   * first byte arrives on it. Servers accept connections from a short queue (Python's default holds
   * 5); a burst of {@code --concurrency} connections overflows it, and a dropped SYN is only sent
   * again after a second. Requests waiting for a connection take any that frees up meanwhile, so
   * the pool still grows to the full concurrency within a few round trips.
   */
  static final int MAX_NEW_CONNECTIONS = 4;

  /** Kept-alive connections idle longer than this are closed, not reused: servers time them out. */
  private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int maxIdlePerHost;
  private final ConcurrentHashMap<String, ConcurrentLinkedDeque<Connection>> idle =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Semaphore> newConnections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Http1Transport(Duration connectTimeout, Duration requestTimeout, int maxIdlePerHost) {
    if (maxIdlePerHost < 1) {
      throw new IllegalArgumentException("maxIdlePerHost must be at least 1");
    }
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.maxIdlePerHost = maxIdlePerHost;
  }

  @Override
  public Response get(URI uri, Map<String, String> headers, long maxBytes)
      throws IOException, InterruptedException {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("only http URLs, not " + uri.getScheme());
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 9);
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IOException("the URL has no host name");
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    byte[] request = request(uri, host, port, headers);
    long timeout = requestTimeout.toNanos();
    long deadline = System.nanoTime() + timeout;
    String key = host.toLowerCase(Locale.ROOT) + ":" + port;
    Semaphore gate = newConnections.computeIfAbsent(key, k -> new Semaphore(MAX_NEW_CONNECTIONS));
    int staleSeen = 0;
    boolean permit = false;
    long waitStart = System.nanoTime();
    while (true) {
      Connection pooled = staleSeen <= maxIdlePerHost ? takeIdle(key) : null;
      if (pooled != null) {
        try {
          return release(
              key, pooled, pooled.exchange(request, maxBytes, deadline, timeout, true, null));
        } catch (StaleConnectionException e) {
          // The server closed this kept-alive connection before answering (its idle timeout
          // ended as we sent): a GET is safe to send again, on another connection.
          pooled.close();
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted");
          }
          staleSeen++;
          continue;
        } catch (IOException | RuntimeException e) {
          pooled.close();
          throw e;
        }
      }
      // A connection that frees up while this request waits for a new one is taken instead. The
      // gate only smooths bursts: a request kept waiting (the connections opening are slow to be
      // answered) goes ahead without a permit.
      if (gate.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        permit = true;
        break;
      }
      if (System.nanoTime() - waitStart > GATE_PATIENCE_NANOS) {
        break;
      }
    }
    AtomicBoolean opening = new AtomicBoolean(permit);
    Runnable answered =
        () -> {
          if (opening.compareAndSet(true, false)) {
            gate.release();
          }
        };
    Connection fresh = null;
    try {
      fresh = Connection.open(host, port, connectTimeout, deadline);
      return release(
          key, fresh, fresh.exchange(request, maxBytes, deadline, timeout, false, answered));
    } catch (IOException | RuntimeException e) {
      if (fresh != null) {
        fresh.close();
      }
      throw e;
    } finally {
      answered.run();
    }
  }

  /** The request head: origin-form target, Host, then the caller's headers. */
  static byte[] request(URI uri, String host, int port, Map<String, String> headers) {
    URI ascii = URI.create(uri.toASCIIString());
    String target =
        ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
    if (ascii.getRawQuery() != null) {
      target += "?" + ascii.getRawQuery();
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("GET ").append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host);
    if (port != 80) {
      sb.append(':').append(port);
    }
    sb.append("\r\n");
    headers.forEach(
        (name, value) -> {
          if (!isToken(name) || name.equalsIgnoreCase("host")) {
            throw new IllegalArgumentException("invalid request header name: " + name);
          }
          if (!isFieldValue(value)) {
            throw new IllegalArgumentException("invalid value for request header " + name);
          }
          sb.append(name).append(": ").append(value).append("\r\n");
        });
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private Connection takeIdle(String key) {
    ConcurrentLinkedDeque<Connection> q = idle.get(key);
    if (q == null) {
      return null;
    }
    long now = System.nanoTime();
    // The most recently used first: the least likely to have been closed by the server. The
    // queue never holds more than maxIdlePerHost connections, so this loop is bounded.
    for (Connection c = q.pollLast(); c != null; c = q.pollLast()) {
      if (now - c.idleSince < MAX_IDLE_NANOS && c.quiet()) {
        return c;
      }
      c.close();
    }
    return null;
  }

  private Response release(String key, Connection c, Exchange x) {
    if (x.keepAlive() && !closed) {
      ConcurrentLinkedDeque<Connection> q =
          idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
      if (q.size() < maxIdlePerHost) {
        c.idleSince = System.nanoTime();
        q.offerLast(c);
        if (closed && q.remove(c)) {
          c.close();
        }
        return x.response();
      }
    }
    c.close();
    return x.response();
  }

  @Override
  public void close() {
    closed = true;
    for (ConcurrentLinkedDeque<Connection> q : idle.values()) {
      for (Connection c = q.pollFirst(); c != null; c = q.pollFirst()) {
        c.close();
      }
    }
  }

  /**
   * Reads one answer from {@code in} as {@link #get} does after sending a request, for fuzzing the
   * parser without a socket.
   */
  static Exchange read(InputStream in, long maxBytes) throws IOException {
    Connection c = new Connection(in, OutputStream.nullOutputStream());
    long minute = TimeUnit.SECONDS.toNanos(60);
    return c.exchange(new byte[0], maxBytes, System.nanoTime() + minute, minute, false, null);
  }

  /** New-connection permits free for {@code host:port}, for tests. */
  int freePermits(String host, int port) {
    Semaphore gate = newConnections.get(host.toLowerCase(Locale.ROOT) + ":" + port);
    return gate == null ? MAX_NEW_CONNECTIONS : gate.availablePermits();
  }

  /** Connections currently kept alive, for tests. */
  int idleConnections() {
    return idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
  }

  /** An answer, and whether its connection may carry the next request. */
  record Exchange(Response response, boolean keepAlive) {}

  /** A kept-alive connection the server closed before answering; the request is sent again. */
  private static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException(String message) {
      super(message);
    }
  }

  // RFC 9110 §5.6.2: tchar.
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // RFC 9110 §5.5: field-value is VCHAR, obs-text, SP and HTAB; no other control characters.
  static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  /** One TCP connection, used by one request at a time. */
  private static final class Connection {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final boolean quickAck;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private boolean received;
    private Runnable answered;
    private long deadline;
    private boolean inBody;
    private long bodyTimeoutNanos;
    private long bodyStart;
    private long bodyBase;
    private long bodyBytes;
    long idleSince;

    private Connection(SocketChannel channel) throws IOException {
      this.channel = channel;
      this.in = channel.socket().getInputStream();
      this.out = channel.socket().getOutputStream();
      this.quickAck = channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    }

    /** A connection over streams (no socket): for reading a recorded answer. */
    private Connection(InputStream in, OutputStream out) {
      this.channel = null;
      this.in = in;
      this.out = out;
      this.quickAck = false;
    }

    static Connection open(String host, int port, Duration connectTimeout, long deadline)
        throws IOException {
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        throw new UnknownHostException(host);
      }
      SocketChannel ch = SocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        long ms = Math.min(connectTimeout.toMillis(), remainingMillis(deadline));
        ch.socket().connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms)));
        return new Connection(ch);
      } catch (java.net.SocketException e) {
        ch.close();
        if (e instanceof java.net.ConnectException) {
          throw e;
        }
        // "No route to host", "Network is unreachable": reported as the JDK client does.
        java.net.ConnectException c = new java.net.ConnectException(e.getMessage());
        c.initCause(e);
        throw c;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    /**
     * Sends {@code request} and reads the answer; {@code answered} (when not null) runs when its
     * first byte arrives.
     */
    Exchange exchange(
        byte[] request,
        long maxBytes,
        long deadline,
        long bodyTimeoutNanos,
        boolean reused,
        Runnable answered)
        throws IOException {
      this.answered = answered;
      this.deadline = deadline;
      this.bodyTimeoutNanos = bodyTimeoutNanos;
      this.inBody = false;
      received = false;
      try {
        out.write(request);
      } catch (IOException e) {
        if (reused) {
          throw new StaleConnectionException("the server had closed the connection");
        }
        throw e;
      }
      ackQuickly();
      int status;
      boolean http10;
      Map<String, String> headers;
      int informational = 0;
      while (true) {
        String statusLine = readLine(reused);
        if (statusLine.length() < 12
            || !statusLine.startsWith("HTTP/1.")
            || !isDigit(statusLine.charAt(7))
            || statusLine.charAt(8) != ' '
            || !isDigit(statusLine.charAt(9))
            || !isDigit(statusLine.charAt(10))
            || !isDigit(statusLine.charAt(11))
            || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
          throw new IOException("malformed status line from the server: " + printable(statusLine));
        }
        http10 = statusLine.charAt(7) == '0';
        status = Integer.parseInt(statusLine.substring(9, 12));
        if (status < 100) {
          throw new IOException("malformed status line from the server: " + printable(statusLine));
        }
        headers = readHeaders();
        if (status >= 200) {
          break;
        }
        if (status == 101 || ++informational > MAX_INFORMATIONAL) {
          throw new IOException("unexpected HTTP " + status + " from the server");
        }
      }
      // The request timeout covers the wait for the headers, as the JDK client's does; the body
      // then gets a window of its own that every byte received extends (see fill).
      inBody = true;
      bodyStart = System.nanoTime();
      bodyBytes = 0;
      bodyBase =
          deadline - (bodyStart + bodyTimeoutNanos) > 0 ? deadline : bodyStart + bodyTimeoutNanos;
      deadline = bodyBase;
      boolean keepAlive = !http10 && !hasToken(headers.get("connection"), "close");
      long limit = status == 200 ? maxBytes : ERROR_BODY_LIMIT;
      String te = headers.get("transfer-encoding");
      String cl = headers.get("content-length");
      OptionalLong declared = OptionalLong.empty();
      Body body;
      if (status == 204 || status == 304) {
        body = new Body(new byte[0], Body.End.COMPLETE, true);
      } else if (te != null) {
        // RFC 9112 §6.1: the server applied these codings; only chunked is understood (nothing
        // else is asked for, and a compressed file would fail its hash check anyway).
        if (!OWS_COMMA.matcher(te).replaceAll(",").equalsIgnoreCase("chunked")) {
          throw new IOException(
              "the server sent Transfer-Encoding \""
                  + printable(te)
                  + "\", which TrustBundle does not decode; only chunked is supported");
        }
        // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; a message with both is
        // suspect, so its connection is not reused.
        keepAlive &= cl == null;
        body = readChunked(limit);
      } else if (cl != null) {
        long length = parseLength(cl);
        declared = OptionalLong.of(length);
        body = readLength(length, limit);
      } else {
        body = readToEnd(limit);
      }
      keepAlive &= body.end() == Body.End.COMPLETE && body.delimited() && pos == lim;
      byte[] bytes = status == 200 ? body.bytes() : new byte[0];
      return new Exchange(
          new Response(
              status,
              headers,
              bytes,
              declared,
              body.end() == Body.End.CUT_OFF,
              status == 200 && body.end() == Body.End.OVER_LIMIT),
          keepAlive);
    }

    /**
     * The body as read.
     *
     * @param end how reading ended
     * @param delimited the body's end was known without the connection closing
     */
    private record Body(byte[] bytes, End end, boolean delimited) {
      enum End {
        /** All of it was read. */
        COMPLETE,
        /** The connection ended before the body did. */
        CUT_OFF,
        /** It is longer than the limit; reading stopped (or never started). */
        OVER_LIMIT
      }
    }

    private Body readLength(long length, long limit) throws IOException {
      if (length > limit) {
        return new Body(new byte[0], Body.End.OVER_LIMIT, true);
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
      boolean all = copy(b, length);
      return new Body(b.toByteArray(), all ? Body.End.COMPLETE : Body.End.CUT_OFF, true);
    }

    private Body readToEnd(long limit) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(16 * 1024);
      // One byte more than the limit tells "longer than the limit" from "exactly the limit".
      boolean more = copy(b, limit + 1);
      if (more) {
        return new Body(new byte[0], Body.End.OVER_LIMIT, false);
      }
      return new Body(b.toByteArray(), Body.End.COMPLETE, false);
    }

    // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF chunk-data CRLF ... last-chunk trailer CRLF.
    private Body readChunked(long limit) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(16 * 1024);
      while (true) {
        String line;
        try {
          line = readLine(false);
        } catch (EndOfStream e) {
          return new Body(b.toByteArray(), Body.End.CUT_OFF, true);
        }
        int semi = line.indexOf(';');
        String hex = trimOws(semi >= 0 ? line.substring(0, semi) : line);
        int zeros = 0;
        while (zeros < hex.length() - 1 && hex.charAt(zeros) == '0') {
          zeros++;
        }
        String digits = hex.substring(zeros);
        if (digits.isEmpty()
            || digits.length() > 15
            || !digits.chars().allMatch(Http1Transport::isHex)) {
          throw new IOException("malformed chunk size from the server: " + printable(line));
        }
        long size = Long.parseLong(digits, 16);
        if (size == 0) {
          readHeaders(); // the trailer section, bounded like the headers, then dropped
          return new Body(b.toByteArray(), Body.End.COMPLETE, true);
        }
        if (size > limit - b.size()) {
          return new Body(new byte[0], Body.End.OVER_LIMIT, true);
        }
        if (!copy(b, size)) {
          return new Body(b.toByteArray(), Body.End.CUT_OFF, true);
        }
        String end;
        try {
          end = readLine(false);
        } catch (EndOfStream e) {
          return new Body(b.toByteArray(), Body.End.CUT_OFF, true);
        }
        if (!end.isEmpty()) {
          throw new IOException("malformed chunked body from the server (no CRLF after a chunk)");
        }
      }
    }

    /** Copies {@code n} bytes into {@code b}; false when the connection ended first. */
    private boolean copy(ByteArrayOutputStream b, long n) throws IOException {
      long left = n;
      while (left > 0) {
        if (pos == lim && fill() < 0) {
          return false;
        }
        int k = (int) Math.min(left, lim - pos);
        b.write(buf, pos, k);
        pos += k;
        left -= k;
      }
      return true;
    }

    private Map<String, String> readHeaders() throws IOException {
      Map<String, String> headers = new HashMap<>();
      int total = 0;
      for (int count = 0; ; count++) {
        String line = readLine(false);
        if (line.isEmpty()) {
          return headers;
        }
        total += line.length() + 2;
        if (count >= MAX_HEADERS || total > MAX_HEADER_BYTES) {
          throw new IOException(
              "the server sent more than "
                  + MAX_HEADERS
                  + " header fields or "
                  + MAX_HEADER_BYTES
                  + " bytes of headers");
        }
        int colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.substring(0, colon))) {
          // Also refuses obsolete line folding (a line starting with a space), RFC 9112 §5.2.
          throw new IOException("malformed header from the server: " + printable(line));
        }
        String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = trimOws(line.substring(colon + 1));
        if (!isFieldValue(value)) {
          throw new IOException("malformed value of header " + name + " from the server");
        }
        String before = headers.get(name);
        if (before == null) {
          headers.put(name, value);
        } else if (name.equals("content-length")) {
          if (!before.equals(value)) {
            throw new IOException("the server sent conflicting Content-Length headers");
          }
        } else if (name.equals("transfer-encoding") || name.equals("connection")) {
          headers.put(name, before + ", " + value);
        }
      }
    }

    /** Thrown when the connection ends where a line was expected. */
    private static final class EndOfStream extends IOException {
      private static final long serialVersionUID = 1L;

      EndOfStream() {
        super("the server closed the connection in the middle of an answer");
      }
    }

    /** One line without its CRLF (a bare LF is accepted too), at most {@value #MAX_LINE} bytes. */
    private String readLine(boolean mayBeStale) throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        if (pos == lim) {
          int n;
          try {
            n = fill();
          } catch (SocketTimeoutException | java.nio.channels.ClosedChannelException e) {
            throw e; // a timeout, or closed by an interrupt or by close(): not a stale connection
          } catch (IOException e) {
            if (mayBeStale && !received) {
              throw new StaleConnectionException("the server had closed the connection");
            }
            throw e;
          }
          if (n < 0) {
            if (mayBeStale && !received) {
              throw new StaleConnectionException("the server had closed the connection");
            }
            if (!received) {
              throw new IOException("the server closed the connection without answering");
            }
            throw new EndOfStream();
          }
        }
        byte c = buf[pos++];
        if (c == '\n') {
          int len = sb.length();
          if (len > 0 && sb.charAt(len - 1) == '\r') {
            sb.setLength(len - 1);
          }
          return sb.toString();
        }
        if (sb.length() >= MAX_LINE) {
          throw new IOException("the server sent a header line longer than " + MAX_LINE + " bytes");
        }
        sb.append((char) (c & 0xff));
      }
    }

    /** Reads more bytes into the empty buffer; -1 at the end of the stream. */
    private int fill() throws IOException {
      long ms = remainingMillis(deadline);
      if (ms <= 0) {
        throw new SocketTimeoutException("timed out waiting for the server");
      }
      if (channel != null) {
        channel.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, ms));
      }
      int n = in.read(buf, 0, buf.length);
      if (n > 0) {
        if (inBody) {
          bodyBytes += n;
          deadline = Transport.bodyDeadline(bodyStart, bodyBase, bodyTimeoutNanos, bodyBytes);
        }
        pos = 0;
        lim = n;
        if (!received && answered != null) {
          answered.run();
        }
        received = true;
        ackQuickly();
      }
      return n;
    }

    /**
     * Asks Linux to acknowledge what arrives next at once instead of delaying the ACK (the mode is
     * not sticky, so it is set again after every send and read); see the class comment.
     */
    private void ackQuickly() {
      if (quickAck) {
        try {
          channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | UnsupportedOperationException e) {
          // Only an optimisation.
        }
      }
    }

    /**
     * Whether nothing arrived while the connection sat idle: bytes there (a late body, junk) would
     * otherwise be read as the next answer.
     */
    boolean quiet() {
      try {
        return pos == lim && in.available() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    void close() {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // Nothing to keep.
      }
    }
  }

  private static long remainingMillis(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
  }

  private static long parseLength(String s) throws IOException {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Http1Transport::isDigit)) {
      throw new IOException("malformed Content-Length from the server: " + printable(s));
    }
    return Long.parseLong(s);
  }

  private static boolean hasToken(String list, String token) {
    if (list == null) {
      return false;
    }
    // Bounded: a header line is at most MAX_LINE characters.
    for (String t : list.split(",", -1)) {
      if (trimOws(t).equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  /** {@code s} without the optional white space (SP, HTAB) of RFC 9110 §5.6.3 around it. */
  static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** {@code s} cut to 60 characters, anything but printable ASCII shown as '?': safe to print. */
  static String printable(String s) {
    return printable(s, 60);
  }

  /** {@code s} cut to {@code max} characters, anything but printable ASCII shown as '?'. */
  static String printable(String s, int max) {
    String cut = s.length() > max ? s.substring(0, max) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
