package dev.trustbundle.serve;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The URLs clients can use for an address serve listens on. A wildcard bind ({@code 0.0.0.0},
 * {@code ::}) is no address to connect to, so it is shown as the host's fully qualified name and
 * one URL per interface address that other hosts can reach (not loopback, not link-local); the
 * default port of the scheme is left out, as in the {@code RootDirUrl} an administrator writes.
 */
final class ListenUrls {
  private ListenUrls() {}

  /** Whether a listen host is a wildcard (or unset, which Jetty binds as one). */
  static boolean isWildcard(String host) {
    if (host == null || host.isEmpty()) {
      return true;
    }
    String h = host.replace("[", "").replace("]", "");
    return h.equals("0.0.0.0") || h.equals("::") || h.matches("0+(:0+)*");
  }

  /**
   * The URLs for one listener.
   *
   * @param scheme http or https
   * @param host the listen host as configured
   * @param port the port listened on
   * @param addresses the host's interface addresses (for a wildcard bind)
   * @param fqdn the host's fully qualified name, when it has one
   */
  static List<String> of(
      String scheme, String host, int port, List<InetAddress> addresses, Optional<String> fqdn) {
    List<String> hosts = new ArrayList<>();
    if (!isWildcard(host)) {
      hosts.add(host);
    } else {
      fqdn.ifPresent(hosts::add);
      boolean v6 = host != null && host.contains(":");
      for (InetAddress a : addresses) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
          continue;
        }
        if (a instanceof Inet6Address && !v6) {
          continue;
        }
        hosts.add(a.getHostAddress().replaceFirst("%.*$", ""));
      }
      if (hosts.isEmpty()) {
        // No address another host could use: the best there is, never the wildcard itself.
        hosts.add("localhost");
      }
    }
    Set<String> out = new LinkedHashSet<>();
    boolean defaultPort =
        scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
    for (String h : hosts) {
      String shown = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
      out.add(scheme + "://" + shown + (defaultPort ? "" : ":" + port) + "/");
    }
    return List.copyOf(out);
  }

  /** This host's interface addresses; empty when they cannot be listed. */
  static List<InetAddress> interfaceAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (n.isUp()) {
          out.addAll(Collections.list(n.getInetAddresses()));
        }
      }
    } catch (SocketException | RuntimeException e) {
      // Shown without interface addresses.
    }
    return out;
  }

  /** This host's fully qualified name, when it has one that is not an address or localhost. */
  static Optional<String> fqdn() {
    try {
      String n = InetAddress.getLocalHost().getCanonicalHostName().toLowerCase(Locale.ROOT);
      if (n.isEmpty() || n.equals("localhost") || n.matches("[0-9.]+") || n.contains(":")) {
        return Optional.empty();
      }
      return Optional.of(n);
    } catch (UnknownHostException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
