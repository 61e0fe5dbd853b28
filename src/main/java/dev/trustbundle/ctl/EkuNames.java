package dev.trustbundle.ctl;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Names for the extended key usages (RFC 5280 4.2.1.12 and Microsoft's) that appear in Microsoft's
 * lists: short names, and back ({@code serverAuth} is {@code 1.3.6.1.5.5.7.3.1}), and the names
 * Windows shows in the certificate dialog (Details, Enhanced Key Usage).
 */
public final class EkuNames {
  /** One EKU: its short name (null when it has none) and the name Windows shows. */
  private record Eku(String shortName, String display) {}

  private static Map.Entry<String, Eku> eku(String oid, String shortName, String display) {
    return Map.entry(oid, new Eku(shortName, display));
  }

  private static final Map<String, Eku> EKUS =
      Map.ofEntries(
          eku("1.3.6.1.5.5.7.3.1", "serverAuth", "Server Authentication"),
          eku("1.3.6.1.5.5.7.3.2", "clientAuth", "Client Authentication"),
          eku("1.3.6.1.5.5.7.3.3", "codeSigning", "Code Signing"),
          eku("1.3.6.1.5.5.7.3.4", "emailProtection", "Secure Email"),
          eku("1.3.6.1.5.5.7.3.5", "ipsecEndSystem", "IP security end system"),
          eku("1.3.6.1.5.5.7.3.6", "ipsecTunnel", "IP security tunnel termination"),
          eku("1.3.6.1.5.5.7.3.7", "ipsecUser", "IP security user"),
          eku("1.3.6.1.5.5.7.3.8", "timeStamping", "Time Stamping"),
          eku("1.3.6.1.5.5.7.3.9", "OCSPSigning", "OCSP Signing"),
          eku("1.3.6.1.4.1.311.10.3.4", "EFS", "Encrypting File System"),
          eku("1.3.6.1.4.1.311.10.3.4.1", "EFSRecovery", "File Recovery"),
          eku("1.3.6.1.4.1.311.10.3.12", "documentSigning", "Document Signing"),
          eku("1.3.6.1.4.1.311.10.3.13", "lifetimeSigning", "Lifetime Signing"),
          eku("1.3.6.1.4.1.311.20.2.2", "smartcardLogon", "Smart Card Logon"),
          eku("1.3.6.1.4.1.311.80.1", "documentEncryption", "Document Encryption"),
          eku("1.3.6.1.4.1.311.2.6.1", "SpcRelaxedPEMarkerCheck", "SpcRelaxedPEMarkerCheck"),
          eku(
              "1.3.6.1.4.1.311.2.6.2",
              "SpcEncryptedDigestRetryCount",
              "SpcEncryptedDigestRetryCount"),
          eku("1.3.6.1.4.1.311.76.3.1", "windowsStore", "Windows Store"),
          eku("2.5.29.37.0", "anyExtendedKeyUsage", "Any Purpose"),
          eku("1.3.6.1.5.5.8.2.2", null, "IP security IKE intermediate"));

  private EkuNames() {}

  /** The short name of an EKU, or the OID itself. */
  public static String name(String oid) {
    Eku e = EKUS.get(oid);
    return e == null || e.shortName() == null ? oid : e.shortName();
  }

  /** Comma-separated short names. */
  public static String names(List<String> oids) {
    return oids.stream().map(EkuNames::name).collect(Collectors.joining(","));
  }

  /** The name Windows shows for an EKU ("Server Authentication"), when it is known. */
  public static Optional<String> display(String oid) {
    return Optional.ofNullable(EKUS.get(oid)).map(Eku::display);
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
    return EKUS.entrySet().stream()
        .filter(e -> e.getValue().shortName() != null)
        .filter(e -> e.getValue().shortName().toLowerCase(Locale.ROOT).equals(lower))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** The short names known, sorted, for help and error messages. */
  public static List<String> known() {
    return EKUS.values().stream()
        .map(Eku::shortName)
        .filter(java.util.Objects::nonNull)
        .sorted(String.CASE_INSENSITIVE_ORDER)
        .toList();
  }
}
