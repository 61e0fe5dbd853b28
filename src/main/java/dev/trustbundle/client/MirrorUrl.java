package dev.trustbundle.client;

import dev.trustbundle.error.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A mirror address for {@code RootDirUrl}: an {@code http://} or {@code https://} URL of the folder
 * holding the lists, or a share in Microsoft's {@code file://\\server\share} form (reference 2.4).
 * Printable ASCII only (so that it survives every file format it is written into), no user
 * information (the registry is readable by every user), no query or fragment (the client appends
 * file names).
 *
 * @param value the URL exactly as the client will receive it
 */
public record MirrorUrl(String value) {
  /** Longest URL accepted; the registry allows more, but nothing sensible needs it. */
  public static final int MAX_LENGTH = 1024;

  // file://\\server\share[\folder...][\]: server a DNS/NetBIOS name or IPv4 address; share and
  // folder names without the characters Windows forbids in them.
  private static final Pattern FILE_SHARE =
      Pattern.compile(
          "(?i)file://\\\\\\\\[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
              + "(?:\\\\[^\\\\/:*?\"<>|\\x00-\\x1F\\x7F]+)+\\\\?");

  public MirrorUrl {
    check(value);
  }

  /**
   * Parses a {@code --url} argument.
   *
   * @throws UsageException with one line saying what is accepted
   */
  public static MirrorUrl parse(String option, String value) {
    try {
      return new MirrorUrl(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + printable(value) + ": " + e.getMessage());
    }
  }

  /**
   * Why no client but the mirror host itself could reach this URL, if so: an unspecified address
   * ({@code 0.0.0.0}, {@code ::}), a loopback one ({@code 127.0.0.0/8}, {@code ::1}, {@code
   * localhost}) or a link-local one ({@code 169.254.0.0/16}, {@code fe80::/10}). Names are not
   * resolved: only these literal forms are recognised.
   */
  public java.util.Optional<String> unreachableHost() {
    String host;
    if (isFileShare()) {
      String rest = value.substring("file://\\\\".length());
      int end = rest.indexOf('\\');
      host = end < 0 ? rest : rest.substring(0, end);
    } else {
      host = URI.create(value).getHost();
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    String why = null;
    if (h.equals("0.0.0.0") || h.matches("0+(:0*)*:*") || h.equals("::")) {
      why = "an unspecified address (what a server listens on, not an address to connect to)";
    } else if (h.matches("127(\\.\\d{1,3}){3}")
        || h.equals("::1")
        || h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("ip6-localhost")) {
      why = "a loopback address (each client would ask itself)";
    } else if (h.matches("169\\.254(\\.\\d{1,3}){2}") || h.matches("fe[89ab][0-9a-f]?:.*")) {
      why = "a link-local address (not reachable beyond one network segment)";
    }
    return java.util.Optional.ofNullable(why).map(w -> host + " is " + w);
  }

  /** Whether the client reaches it over a file share. */
  public boolean isFileShare() {
    return value.regionMatches(true, 0, "file:", 0, 5);
  }

  private static void check(String v) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("the mirror URL is empty");
    }
    if (v.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("longer than " + MAX_LENGTH + " characters");
    }
    if (!v.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException(
          "has spaces, control or non-ASCII characters (percent-encode them in an http URL, write"
              + " a host name in punycode, use a share name without them)");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      if (!FILE_SHARE.matcher(v).matches()) {
        throw new IllegalArgumentException(
            "a file share must be written file://\\\\server\\share (Microsoft's form), for example"
                + " file://\\\\fs01\\ctl");
      }
      return;
    }
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new IllegalArgumentException(
          "must be an http://, https:// or file://\\\\server\\share URL of the mirror folder");
    }
    URI u;
    try {
      u = new URI(v);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new IllegalArgumentException("has no host name");
    }
    if (u.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "carries a user name or password; every user can read RootDirUrl, so leave them out");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "has a query or fragment; give the folder URL only (clients append the file names)");
    }
  }

  private static String printable(String s) {
    if (s == null) {
      return "\"\"";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (sb.length() > 120) {
        sb.append("...");
        break;
      }
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return value;
  }
}
