package dev.trustbundle.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@code .reg} file as regedit exports it: "Windows Registry Editor Version 5.00",
 * UTF-16LE with a byte order mark, CRLF line ends, one {@code [HKEY_LOCAL_MACHINE\...]} section per
 * key, a blank line after each section. REG_SZ data is quoted with {@code \} and {@code "} escaped;
 * REG_DWORD is {@code dword:} and eight hex digits.
 */
public final class RegFile {
  private RegFile() {}

  /** The first line of a version 5 registry file. */
  public static final String HEADER = "Windows Registry Editor Version 5.00";

  /** The hive the values belong to. */
  public static final String HIVE = "HKEY_LOCAL_MACHINE";

  /**
   * The file's bytes.
   *
   * @param comment lines written as {@code ;} comments after the header (regedit ignores them)
   * @param values the values, grouped by key in the order their keys first appear
   * @throws IllegalArgumentException for a type this writer does not write (only REG_SZ and
   *     REG_DWORD are needed)
   */
  public static byte[] write(List<String> comment, List<RegistryValue> values) {
    StringBuilder sb = new StringBuilder();
    line(sb, HEADER);
    line(sb, "");
    for (String c : comment) {
      if (c.contains("\r") || c.contains("\n")) {
        throw new IllegalArgumentException("a comment line cannot hold a line break");
      }
      line(sb, c.isEmpty() ? ";" : "; " + c);
    }
    if (!comment.isEmpty()) {
      line(sb, "");
    }
    java.util.LinkedHashMap<String, List<RegistryValue>> byKey = new java.util.LinkedHashMap<>();
    for (RegistryValue v : values) {
      byKey
          .computeIfAbsent(v.key().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
          .add(v);
    }
    for (List<RegistryValue> group : byKey.values()) {
      line(sb, "[" + HIVE + "\\" + group.get(0).key() + "]");
      for (RegistryValue v : group) {
        line(sb, quote(v.name()) + "=" + data(v));
      }
      line(sb, "");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xFE);
    out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_16LE));
    return out.toByteArray();
  }

  private static String data(RegistryValue v) {
    return switch (v.type()) {
      case SZ -> quote(v.stringValue());
      case DWORD -> String.format(Locale.ROOT, "dword:%08x", v.dwordValue());
      default ->
          throw new IllegalArgumentException(
              "the .reg writer does not write " + v.type() + " (" + v.name() + ")");
    };
  }

  /** A quoted .reg string: backslash and double quote escaped with a backslash. */
  static String quote(String s) {
    if (s.contains("\r") || s.contains("\n")) {
      // regedit cannot represent a line break in a quoted string.
      throw new IllegalArgumentException("a .reg string cannot hold a line break");
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void line(StringBuilder sb, String s) {
    sb.append(s).append("\r\n");
  }
}
