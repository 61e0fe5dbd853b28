package dev.trustbundle.ctl;

import java.nio.charset.StandardCharsets;

/** Text decoding for the UTF-16LE strings Microsoft stores in lists. */
final class Text {
  private Text() {}

  /** Strict UTF-16LE with trailing NULs removed; null when the bytes are not such text. */
  static String utf16le(byte[] b) {
    if (b.length % 2 != 0) {
      return null;
    }
    int len = b.length;
    while (len >= 2 && b[len - 1] == 0 && b[len - 2] == 0) {
      len -= 2;
    }
    // A malformed sequence (a lone surrogate) decodes to U+FFFD: such bytes are not text.
    String s = new String(b, 0, len, StandardCharsets.UTF_16LE);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isISOControl(ch) || ch == '\uFFFD') {
        return null;
      }
    }
    return s;
  }

  static String utf16leOrHex(byte[] b) {
    String s = utf16le(b);
    return s != null ? s : Hex.upper(b);
  }
}
