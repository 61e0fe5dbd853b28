package dev.trustbundle.report;

import dev.trustbundle.ctl.EkuNames;
import java.util.List;

/** Short names for the extended key usages that appear in Microsoft's lists. */
public final class Ekus {
  private Ekus() {}

  /** The short name of an EKU, or the OID itself. */
  public static String name(String oid) {
    return EkuNames.name(oid);
  }

  /** Comma-separated short names. */
  public static String names(List<String> oids) {
    return EkuNames.names(oids);
  }
}
