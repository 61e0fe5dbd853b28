package dev.trustbundle.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.SelectorManager;

/**
 * Caps the connections held open, in all and per client address, so that no number of clients can
 * make serve hold more connections than its memory was sized for (issue 11: idle keep-alive and
 * slow-header connections exhausted a 64 MiB heap). A connection over a cap is closed as it is
 * accepted, before Jetty allocates anything for it; a client at its own cap cannot take the slots
 * other addresses need. Listens on every connector's selector manager; counts are shared.
 */
final class ConnectionCaps implements SelectorManager.AcceptListener {
  private final int maxTotal;
  private final int maxPerClient;
  private final Map<SelectableChannel, InetAddress> open = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
  private final LongAdder refusedTotal = new LongAdder();
  private final LongAdder refusedPerClient = new LongAdder();
  private int total;

  ConnectionCaps(int maxTotal, int maxPerClient) {
    if (maxTotal < 1 || maxPerClient < 1 || maxPerClient > maxTotal) {
      throw new IllegalArgumentException("caps must be positive, per client at most the total");
    }
    this.maxTotal = maxTotal;
    this.maxPerClient = maxPerClient;
  }

  @Override
  public void onAccepting(SelectableChannel channel) {
    InetAddress who = address(channel);
    boolean admitted;
    synchronized (this) {
      int mine = perClient.getOrDefault(who, 0);
      if (total >= maxTotal) {
        refusedTotal.increment();
        admitted = false;
      } else if (mine >= maxPerClient) {
        refusedPerClient.increment();
        admitted = false;
      } else {
        total++;
        perClient.put(who, mine + 1);
        open.put(channel, who);
        admitted = true;
      }
    }
    if (!admitted) {
      // Jetty then fails to register the closed channel and drops it (logged at debug only).
      try {
        channel.close();
      } catch (IOException e) {
        // Closing is best effort; the channel is not served either way.
      }
    }
  }

  @Override
  public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
    release(channel);
  }

  @Override
  public void onClosed(SelectableChannel channel) {
    release(channel);
  }

  private void release(SelectableChannel channel) {
    InetAddress who = open.remove(channel);
    if (who == null) {
      return;
    }
    synchronized (this) {
      total--;
      perClient.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private static InetAddress address(SelectableChannel channel) {
    try {
      SocketAddress a = channel instanceof SocketChannel s ? s.getRemoteAddress() : null;
      if (a instanceof InetSocketAddress i && i.getAddress() != null) {
        return i.getAddress();
      }
    } catch (IOException e) {
      // Already closed by the peer: counted under the unknown address, then released.
    }
    return InetAddress.getLoopbackAddress();
  }

  /** Connections open now. */
  synchronized int open() {
    return total;
  }

  /** Client addresses with a connection open now. */
  int clients() {
    return perClient.size();
  }

  /** Connections closed on accepting because all slots were taken. */
  long refusedTotal() {
    return refusedTotal.sum();
  }

  /** Connections closed on accepting because their address held its share. */
  long refusedPerClient() {
    return refusedPerClient.sum();
  }

  int maxTotal() {
    return maxTotal;
  }

  int maxPerClient() {
    return maxPerClient;
  }
}
