package dev.trustbundle.ctl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Upper-case hex and the digests used to name certificates. */
public final class Hex {
  private static final HexFormat UPPER = HexFormat.of().withUpperCase();

  private Hex() {}

  /** Upper-case hex without separators. */
  public static String upper(byte[] bytes) {
    return UPPER.formatHex(bytes);
  }

  /** Parses hex of either case; throws {@link IllegalArgumentException} on bad input. */
  public static byte[] parse(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /** Whether {@code s} is exactly {@code chars} hex digits of either case. */
  public static boolean isHex(String s, int chars) {
    return s != null && s.length() == chars && s.chars().allMatch(Hex::isHexDigit);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** SHA-1 of {@code data}, upper-case hex (a certificate's thumbprint). */
  public static String sha1(byte[] data) {
    return upper(digest("SHA-1", data));
  }

  /** SHA-256 of {@code data}, upper-case hex. */
  public static String sha256(byte[] data) {
    return upper(digest("SHA-256", data));
  }

  /** A JCA digest every Java runtime has. */
  public static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the Java runtime lacks " + algorithm, e);
    }
  }
}
