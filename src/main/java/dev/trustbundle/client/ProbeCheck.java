package dev.trustbundle.client;

import java.util.Objects;

/**
 * One check the probe made: what was asked for, what a Windows client needs, and what came back.
 *
 * @param name the check ({@code fetch}, {@code content-type}, {@code caching}, {@code
 *     if-none-match}, {@code if-modified-since}, {@code query-string}, {@code list}, {@code
 *     sequence-file}, {@code double-slash}, {@code root}, {@code root-lowercase})
 * @param status the verdict
 * @param url the URL requested (or the pattern, for a check over several responses)
 * @param expected what a Windows client needs
 * @param got what the mirror answered
 */
public record ProbeCheck(String name, Status status, String url, String expected, String got) {
  /** A check's verdict; only {@link #FAIL} fails the probe. */
  public enum Status {
    /** The mirror behaves as clients need. */
    PASS,
    /** A deviation that clients probably tolerate, or behaviour the reference leaves open. */
    WARN,
    /** A deviation that breaks or endangers clients. */
    FAIL,
    /** Not applicable to this mirror (for example HTTP caching on a {@code file:} folder). */
    SKIP
  }

  public ProbeCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(got, "got");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("a check name is lower-case words joined by '-'");
    }
    // Parts of these come from the mirror (headers, file contents): one line, bounded, no
    // control characters that could forge output lines or drive a terminal.
    url = clean(url);
    expected = clean(expected);
    got = clean(got);
  }

  private static final int MAX_TEXT = 2000;

  static String clean(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_TEXT + 16));
    int i = 0;
    for (; i < s.length() && out.length() < MAX_TEXT; i++) {
      char c = s.charAt(i);
      out.append(
          Character.isISOControl(c) || c == 0x2028 || c == 0x2029
              ? String.format("\\u%04X", (int) c)
              : String.valueOf(c));
    }
    if (i < s.length()) {
      out.append("...");
    }
    return out.toString();
  }
}
