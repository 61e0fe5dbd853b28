package dev.trustbundle.report;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Short names for the extended key usages that appear in Microsoft's lists. */
public final class Ekus {
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

  private Ekus() {}

  /** The short name of an EKU, or the OID itself. */
  public static String name(String oid) {
    return NAMES.getOrDefault(oid, oid);
  }

  /** Comma-separated short names. */
  public static String names(List<String> oids) {
    return oids.stream().map(Ekus::name).collect(Collectors.joining(","));
  }
}
