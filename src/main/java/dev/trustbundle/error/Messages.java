package dev.trustbundle.error;

import java.util.regex.Pattern;

/**
 * Turns the message of a library's exception into text for an administrator: one line, without the
 * Java class names that libraries put in front of their causes ({@code java.io.IOException: ...}).
 */
public final class Messages {
  private static final Pattern CLASS_NAME =
      Pattern.compile("(?:\\b[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error):\\s*");

  private Messages() {}

  /** The first message in the cause chain, on one line, without class names. */
  public static String plain(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 16 && t != null; i++, t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank()) {
        return plain(m);
      }
    }
    return "no details";
  }

  /** The text on one line, without class names. */
  public static String plain(String message) {
    String s = CLASS_NAME.matcher(message).replaceAll("").replaceAll("\\s+", " ").trim();
    return s.isEmpty() ? "no details" : s;
  }

  /**
   * Hostile text made safe to print on one line: control, format (bidi overrides among them) and
   * other invisible characters as {@code \\uXXXX}, cut after {@code max} characters with "...".
   */
  public static String printable(String text, int max) {
    if (text == null) {
      return "(none)";
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (n++ >= max) {
        sb.append("...");
        break;
      }
      char c = text.charAt(i);
      int type = Character.getType(c);
      if (c < 0x20
          || c == 0x7F
          || type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.UNASSIGNED
          || type == Character.SURROGATE && !validSurrogate(text, i)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
