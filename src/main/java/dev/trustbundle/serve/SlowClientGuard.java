package dev.trustbundle.serve;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * Closes connections that have not completed their first request's headers within a time limit
 * (slowloris: many connections, each trickling header bytes to stay inside the idle timeout). Jetty
 * reads headers without holding a thread, so such clients do not starve others of threads; this
 * guard stops them from holding sockets and memory indefinitely. Once a connection has made a
 * request, the connector's idle timeout governs it.
 */
final class SlowClientGuard implements Connection.Listener {
  private final Set<Connection> waiting = ConcurrentHashMap.newKeySet();
  private final long limitMillis;
  private final LongAdder dropped = new LongAdder();

  SlowClientGuard(long limitMillis) {
    if (limitMillis < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    this.limitMillis = limitMillis;
  }

  @Override
  public void onOpened(Connection c) {
    // Under TLS the HTTP connection inside is tracked; the TLS layer itself never counts messages.
    if (!(c instanceof SslConnection)) {
      waiting.add(c);
    }
  }

  @Override
  public void onClosed(Connection c) {
    waiting.remove(c);
  }

  /** Closes the connections over the limit; called every second. */
  void sweep(long nowMillis) {
    sweep(nowMillis, limitMillis);
  }

  /** Closes the connections over a limit shorter than the usual one (the slots are filling). */
  void sweep(long nowMillis, long limit) {
    for (Connection c : waiting) {
      if (c.getMessagesIn() > 0) {
        waiting.remove(c);
      } else if (nowMillis - c.getCreatedTimeStamp() > limit) {
        waiting.remove(c);
        dropped.increment();
        c.getEndPoint().close();
      }
    }
  }

  /** Connections closed for being too slow. */
  long dropped() {
    return dropped.sum();
  }

  /** Connections still waiting for their first request. */
  int waiting() {
    return waiting.size();
  }
}
