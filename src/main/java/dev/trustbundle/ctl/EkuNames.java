package dev.trustbundle.ctl;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Short names for the extended key usages (RFC 5280 4.2.1.12 and Microsoft's) that appear in
 * Microsoft's lists, and back: {@code serverAuth} is {@code 1.3.6.1.5.5.7.3.1}.
 */
public final class EkuNames {
  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("1.3.6.1.5.5.7.3.1", "serverAuth"),
          Map.entry("1.3.6.1.5.5.7.3.2", "clientAuth"),
          Map.entry("1.3.6.1.5.5.7.3.3", "codeSigning"),
          Map.entry("1.3.6.1.5.5.7.3.4", "emailProtection"),
          Map.entry("1.3.6.1.5.5.7.3.5", "ipsecEndSystem"),
          Map.entry("1.3.6.1.5.5.7.3.6", "ipsecTunnel"),
          Map.entry("1.3.6.1.5.5.7.3.7", "ipsecUser"),
          Map.entry("1.3.6.1.5.5.7.3.8", "timeStamping"),
          Map.entry("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
          Map.entry("1.3.6.1.4.1.311.10.3.4", "EFS"),
          Map.entry("1.3.6.1.4.1.311.10.3.4.1", "EFSRecovery"),
          Map.entry("1.3.6.1.4.1.311.10.3.12", "documentSigning"),
          Map.entry("1.3.6.1.4.1.311.10.3.13", "lifetimeSigning"),
          Map.entry("1.3.6.1.4.1.311.20.2.2", "smartcardLogon"),
          Map.entry("1.3.6.1.4.1.311.80.1", "documentEncryption"),
          Map.entry("1.3.6.1.4.1.311.2.6.1", "SpcRelaxedPEMarkerCheck"),
          Map.entry("1.3.6.1.4.1.311.2.6.2", "SpcEncryptedDigestRetryCount"),
          Map.entry("1.3.6.1.4.1.311.76.3.1", "windowsStore"),
          Map.entry("2.5.29.37.0", "anyExtendedKeyUsage"));

  private EkuNames() {}

  /** The short name of an EKU, or the OID itself. */
  public static String name(String oid) {
    return NAMES.getOrDefault(oid, oid);
  }

  /** Comma-separated short names. */
  public static String names(List<String> oids) {
    return oids.stream().map(EkuNames::name).collect(Collectors.joining(","));
  }

  /**
   * The OID for a short name (any case) or a dotted OID; empty when it is neither.
   *
   * @param nameOrOid {@code serverAuth}, {@code codesigning}, {@code 1.3.6.1.5.5.7.3.1}, ...
   */
  public static Optional<String> oid(String nameOrOid) {
    String s = nameOrOid.strip();
    if (s.matches("[0-2](\\.(0|[1-9][0-9]{0,17})){1,30}")) {
      return Optional.of(s);
    }
    String lower = s.toLowerCase(Locale.ROOT);
    return NAMES.entrySet().stream()
        .filter(e -> e.getValue().toLowerCase(Locale.ROOT).equals(lower))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** The short names known, sorted, for help and error messages. */
  public static List<String> known() {
    return NAMES.values().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList();
  }
}
