package dev.trustbundle.ctl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
    try {
      String s =
          StandardCharsets.UTF_16LE
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b, 0, len))
              .toString();
      for (int i = 0; i < s.length(); i++) {
        if (Character.isISOControl(s.charAt(i))) {
          return null;
        }
      }
      return s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String utf16leOrHex(byte[] b) {
    String s = utf16le(b);
    return s != null ? s : Hex.upper(b);
  }
}
