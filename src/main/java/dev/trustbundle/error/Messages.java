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
}
