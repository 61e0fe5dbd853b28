package dev.trustbundle.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a probe found: every check in order, the lists it read, and what it cost.
 *
 * @param url the mirror's folder URL
 * @param at the time the lists were evaluated at
 * @param checks every check, in the order made
 * @param lists the lists that could be read
 * @param requests requests sent
 * @param rootsListed entries of the authroot list (0 when it could not be read)
 * @param rootsFetched listed roots fetched
 * @param all whether every listed root was asked for
 * @param seed the seed that picked the sample ({@code --seed} repeats the run)
 */
public record ProbeReport(
    String url,
    Instant at,
    List<ProbeCheck> checks,
    List<ListInfo> lists,
    int requests,
    int rootsListed,
    int rootsFetched,
    boolean all,
    long seed) {
  public ProbeReport {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(at, "at");
    checks = List.copyOf(checks);
    lists = List.copyOf(lists);
  }

  /**
   * A list the mirror serves.
   *
   * @param kind {@code authroot}, {@code disallowedcert} or {@code pinrules}
   * @param sequenceNumber upper-case hex, when the list has one
   * @param thisUpdate when it was issued
   * @param entries how many entries it has
   * @param valid whether it verified
   */
  public record ListInfo(
      String kind,
      Optional<String> sequenceNumber,
      Instant thisUpdate,
      int entries,
      boolean valid) {
    public ListInfo {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(sequenceNumber, "sequenceNumber");
      Objects.requireNonNull(thisUpdate, "thisUpdate");
    }
  }

  /** How many checks ended with {@code status}. */
  public long count(ProbeCheck.Status status) {
    return checks.stream().filter(c -> c.status() == status).count();
  }

  /** True when any check failed: the mirror does not serve Windows clients as they need. */
  public boolean failed() {
    return count(ProbeCheck.Status.FAIL) > 0;
  }
}
