package dev.trustbundle.testing;

import dev.trustbundle.serve.MirrorServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** Mirror server options for tests: plain HTTP on 127.0.0.1, a free port, no access log. */
public final class Servers {
  private Servers() {}

  /** HTTP on 127.0.0.1 port 0 with at most {@code threads} worker threads. */
  public static MirrorServer.Options loopback(int threads) {
    return new MirrorServer.Options(
        Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        600,
        Optional.empty(),
        threads);
  }
}
