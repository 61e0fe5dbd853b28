package dev.trustbundle.report;

import dev.trustbundle.ctl.EkuNames;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Short names and display names for the extended key usages that appear in Microsoft's lists. */
public final class Ekus {
  /** The names Windows shows in the certificate dialog (Details, Enhanced Key Usage). */
  private static final Map<String, String> DISPLAY =
      Map.ofEntries(
          Map.entry("1.3.6.1.5.5.7.3.1", "Server Authentication"),
          Map.entry("1.3.6.1.5.5.7.3.2", "Client Authentication"),
          Map.entry("1.3.6.1.5.5.7.3.3", "Code Signing"),
          Map.entry("1.3.6.1.5.5.7.3.4", "Secure Email"),
          Map.entry("1.3.6.1.5.5.7.3.5", "IP security end system"),
          Map.entry("1.3.6.1.5.5.7.3.6", "IP security tunnel termination"),
          Map.entry("1.3.6.1.5.5.7.3.7", "IP security user"),
          Map.entry("1.3.6.1.5.5.7.3.8", "Time Stamping"),
          Map.entry("1.3.6.1.5.5.7.3.9", "OCSP Signing"),
          Map.entry("1.3.6.1.4.1.311.10.3.4", "Encrypting File System"),
          Map.entry("1.3.6.1.4.1.311.10.3.4.1", "File Recovery"),
          Map.entry("1.3.6.1.4.1.311.10.3.12", "Document Signing"),
          Map.entry("1.3.6.1.4.1.311.10.3.13", "Lifetime Signing"),
          Map.entry("1.3.6.1.4.1.311.20.2.2", "Smart Card Logon"),
          Map.entry("1.3.6.1.4.1.311.80.1", "Document Encryption"),
          Map.entry("1.3.6.1.4.1.311.2.6.1", "SpcRelaxedPEMarkerCheck"),
          Map.entry("1.3.6.1.4.1.311.2.6.2", "SpcEncryptedDigestRetryCount"),
          Map.entry("1.3.6.1.4.1.311.76.3.1", "Windows Store"),
          Map.entry("1.3.6.1.5.5.8.2.2", "IP security IKE intermediate"),
          Map.entry("2.5.29.37.0", "Any Purpose"));

  private Ekus() {}

  /** The short name of an EKU, or the OID itself. */
  public static String name(String oid) {
    return EkuNames.name(oid);
  }

  /** Comma-separated short names. */
  public static String names(List<String> oids) {
    return EkuNames.names(oids);
  }

  /** "Server Authentication (1.3.6.1.5.5.7.3.1)", or the OID alone when it has no known name. */
  public static String describe(String oid) {
    String n = DISPLAY.get(oid);
    return n == null ? oid : n + " (" + oid + ")";
  }

  /** {@link #describe} of each, joined with ", ". */
  public static String describeAll(List<String> oids) {
    return oids.stream().map(Ekus::describe).collect(Collectors.joining(", "));
  }
}
