package dev.trustbundle.ctl;

/** Object identifiers of the trust-list formats (wincrypt.h; reference sections 3.1 to 3.5). */
public final class Oids {
  private Oids() {}

  public static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
  public static final String DATA = "1.2.840.113549.1.7.1";
  public static final String CTL = "1.3.6.1.4.1.311.10.1";
  public static final String CONTENT_TYPE = "1.2.840.113549.1.9.3";
  public static final String MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
  public static final String SIGNING_TIME = "1.2.840.113549.1.9.5";
  public static final String SPC_SP_OPUS_INFO = "1.3.6.1.4.1.311.2.1.12";

  public static final String SHA1 = "1.3.14.3.2.26";
  public static final String SHA256 = "2.16.840.1.101.3.4.2.1";
  public static final String SHA384 = "2.16.840.1.101.3.4.2.2";
  public static final String SHA512 = "2.16.840.1.101.3.4.2.3";
  public static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
  public static final String SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
  public static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  public static final String SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
  public static final String SHA512_WITH_RSA = "1.2.840.113549.1.1.13";
  public static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
  public static final String CURVE_P256 = "1.2.840.10045.3.1.7";
  public static final String CURVE_P384 = "1.3.132.0.34";
  public static final String CURVE_P521 = "1.3.132.0.35";

  /** szOID_ROOT_LIST_SIGNER: the authroot list's usage and its signer's EKU. */
  public static final String ROOT_LIST_SIGNER = "1.3.6.1.4.1.311.10.3.9";

  /** szOID_KP_CTL_USAGE_SIGNING: Microsoft Trust List Signing, on the signer's CA. */
  public static final String KP_CTL_USAGE_SIGNING = "1.3.6.1.4.1.311.10.3.1";

  public static final String DISALLOWED_LIST = "1.3.6.1.4.1.311.10.3.30";
  public static final String PIN_RULES_SIGNER = "1.3.6.1.4.1.311.10.3.31";
  public static final String PIN_RULES_CTL = "1.3.6.1.4.1.311.10.3.32";
  public static final String PIN_RULES_EXT = "1.3.6.1.4.1.311.10.3.33";
  public static final String PIN_RULES_DOMAIN_NAME = "1.3.6.1.4.1.311.10.3.34";
  public static final String PIN_RULES_LOG_END_DATE_EXT = "1.3.6.1.4.1.311.10.3.35";
  public static final String SYNC_ROOT_CTL_EXT = "1.3.6.1.4.1.311.10.3.50";
  public static final String CERT_LOG_LIST_EXT = "1.3.6.1.4.1.311.10.3.52";
  public static final String DISALLOWED_HASH = "1.3.6.1.4.1.311.10.11.15";

  /** Prefix of the per-entry attributes: {@code 1.3.6.1.4.1.311.10.11.<CERT_*_PROP_ID>}. */
  public static final String CERT_PROP_PREFIX = "1.3.6.1.4.1.311.10.11.";

  public static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  /** The JCA name of a digest algorithm OID ("SHA-256"), or null when it is not SHA-1 or SHA-2. */
  public static String digestName(String oid) {
    return switch (oid) {
      case SHA1 -> "SHA-1";
      case SHA256 -> "SHA-256";
      case SHA384 -> "SHA-384";
      case SHA512 -> "SHA-512";
      default -> null;
    };
  }
}
