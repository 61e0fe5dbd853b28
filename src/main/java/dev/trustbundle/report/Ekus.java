package dev.trustbundle.report;

import dev.trustbundle.ctl.EkuNames;
import java.util.List;
import java.util.stream.Collectors;

/** Extended key usages described in words, with the names Windows shows ({@link EkuNames}). */
public final class Ekus {
  private Ekus() {}

  /** "Server Authentication (1.3.6.1.5.5.7.3.1)", or the OID alone when it has no known name. */
  public static String describe(String oid) {
    return EkuNames.display(oid).map(n -> n + " (" + oid + ")").orElse(oid);
  }

  /** {@link #describe} of each, joined with ", ". */
  public static String describeAll(List<String> oids) {
    return oids.stream().map(Ekus::describe).collect(Collectors.joining(", "));
  }
}
