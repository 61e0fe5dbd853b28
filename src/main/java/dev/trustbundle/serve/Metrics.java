package dev.trustbundle.serve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Request counters in the Prometheus text format. */
final class Metrics {
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder notModified = new LongAdder();
  private final LongAdder conditional = new LongAdder();
  private final Clock clock;
  private final java.util.function.LongSupplier slowClientsDropped;
  private final ConnectionCaps caps;
  private final Versions versions;

  Metrics(
      Clock clock,
      java.util.function.LongSupplier slowClientsDropped,
      ConnectionCaps caps,
      Versions versions) {
    this.clock = clock;
    this.slowClientsDropped = slowClientsDropped;
    this.caps = caps;
    this.versions = versions;
  }

  void count(int status, String kind, long sent) {
    requests.computeIfAbsent(status + "|" + kind, k -> new LongAdder()).increment();
    bytes.add(sent);
    if (status == 304) {
      notModified.increment();
    }
    if (status == 304 || status == 200) {
      conditional.increment();
    }
  }

  String render(Snapshot snap) {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP trustbundle_requests_total Requests answered, by status and file kind.\n");
    sb.append("# TYPE trustbundle_requests_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      String[] k = e.getKey().split("\\|");
      sb.append("trustbundle_requests_total{status=\"")
          .append(k[0])
          .append("\",kind=\"")
          .append(k[1])
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    sb.append("# HELP trustbundle_response_bytes_total Body bytes sent.\n");
    sb.append("# TYPE trustbundle_response_bytes_total counter\n");
    sb.append("trustbundle_response_bytes_total ").append(bytes.sum()).append('\n');
    sb.append(
        "# HELP trustbundle_slow_clients_dropped_total Connections closed for not sending a"
            + " request's headers in time.\n");
    sb.append("# TYPE trustbundle_slow_clients_dropped_total counter\n");
    sb.append("trustbundle_slow_clients_dropped_total ")
        .append(slowClientsDropped.getAsLong())
        .append('\n');
    sb.append("# HELP trustbundle_connections_open Connections open now.\n");
    sb.append("# TYPE trustbundle_connections_open gauge\n");
    sb.append("trustbundle_connections_open ").append(caps.open()).append('\n');
    sb.append("# HELP trustbundle_connections_max Connections held open at most.\n");
    sb.append("# TYPE trustbundle_connections_max gauge\n");
    sb.append("trustbundle_connections_max ").append(caps.maxTotal()).append('\n');
    sb.append(
        "# HELP trustbundle_connections_refused_total Connections closed on accepting, by the cap"
            + " they met.\n");
    sb.append("# TYPE trustbundle_connections_refused_total counter\n");
    sb.append("trustbundle_connections_refused_total{cap=\"total\"} ")
        .append(caps.refusedTotal())
        .append('\n');
    sb.append("trustbundle_connections_refused_total{cap=\"per_client\"} ")
        .append(caps.refusedPerClient())
        .append('\n');
    sb.append(
        "# HELP trustbundle_version_failures_total Versions refused when loaded, and scrub"
            + " findings.\n");
    sb.append("# TYPE trustbundle_version_failures_total counter\n");
    sb.append("trustbundle_version_failures_total ").append(versions.failureCount()).append('\n');
    sb.append(
        "# HELP trustbundle_active_version_served Whether the version active.json names is the one"
            + " served (0: it failed verification).\n");
    sb.append("# TYPE trustbundle_active_version_served gauge\n");
    sb.append("trustbundle_active_version_served ")
        .append(versions.activeFailure().isPresent() ? 0 : 1)
        .append('\n');
    sb.append(
        "# HELP trustbundle_scrub_problems Whether the last scrub found the served version's files"
            + " changed on disk.\n");
    sb.append("# TYPE trustbundle_scrub_problems gauge\n");
    sb.append("trustbundle_scrub_problems ")
        .append(versions.scrubProblem().isPresent() ? 1 : 0)
        .append('\n');
    long all = conditional.sum();
    sb.append("# HELP trustbundle_not_modified_ratio Share of file requests answered 304.\n");
    sb.append("# TYPE trustbundle_not_modified_ratio gauge\n");
    sb.append("trustbundle_not_modified_ratio ")
        .append(all == 0 ? 0.0 : (double) notModified.sum() / all)
        .append('\n');
    if (snap != null) {
      Instant created = Instant.parse(snap.manifest().created());
      Instant expires = Instant.parse(snap.manifest().expires());
      Instant now = clock.instant();
      sb.append("# HELP trustbundle_bundle_age_seconds Age of the served bundle.\n");
      sb.append("# TYPE trustbundle_bundle_age_seconds gauge\n");
      sb.append("trustbundle_bundle_age_seconds ")
          .append(Duration.between(created, now).toSeconds())
          .append('\n');
      sb.append(
          "# HELP trustbundle_bundle_expires_in_seconds Time left before the bundle expires.\n");
      sb.append("# TYPE trustbundle_bundle_expires_in_seconds gauge\n");
      sb.append("trustbundle_bundle_expires_in_seconds ")
          .append(Duration.between(now, expires).toSeconds())
          .append('\n');
      sb.append("# HELP trustbundle_bundle_sequence Sequence of the served bundle.\n");
      sb.append("# TYPE trustbundle_bundle_sequence gauge\n");
      sb.append("trustbundle_bundle_sequence ").append(snap.manifest().sequence()).append('\n');
    }
    return sb.toString();
  }
}
