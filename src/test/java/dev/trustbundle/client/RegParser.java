package dev.trustbundle.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, strict reader of version 5 {@code .reg} files for the tests: UTF-16LE with a byte order
 * mark, CRLF only, the header line, {@code [HKEY_LOCAL_MACHINE\...]} sections, {@code "name"="sz"}
 * with {@code \\} and {@code \"} escapes, {@code "name"=dword:xxxxxxxx}, {@code ;} comments and
 * blank lines. Anything else fails the test.
 */
public final class RegParser {
  private RegParser() {}

  private static final Pattern SECTION = Pattern.compile("\\[HKEY_LOCAL_MACHINE\\\\([^\\]]+)\\]");
  private static final Pattern DWORD = Pattern.compile("dword:([0-9a-f]{8})");

  public static List<RegistryValue> parse(byte[] file) {
    if (file.length < 2 || (file[0] & 0xFF) != 0xFF || (file[1] & 0xFF) != 0xFE) {
      throw new IllegalArgumentException("no UTF-16LE byte order mark");
    }
    if (file.length % 2 != 0) {
      throw new IllegalArgumentException("odd length for UTF-16");
    }
    String text = new String(file, 2, file.length - 2, StandardCharsets.UTF_16LE);
    if (text.replace("\r\n", "").contains("\n") || text.replace("\r\n", "").contains("\r")) {
      throw new IllegalArgumentException("a line break that is not CRLF");
    }
    if (!text.endsWith("\r\n")) {
      throw new IllegalArgumentException("the last line has no CRLF");
    }
    String[] lines = text.split("\r\n", -1);
    if (!lines[0].equals("Windows Registry Editor Version 5.00")) {
      throw new IllegalArgumentException("wrong header: " + lines[0]);
    }
    List<RegistryValue> out = new ArrayList<>();
    String key = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || line.startsWith(";")) {
        continue;
      }
      Matcher sec = SECTION.matcher(line);
      if (sec.matches()) {
        key = sec.group(1);
        continue;
      }
      if (key == null) {
        throw new IllegalArgumentException("a value outside a section: " + line);
      }
      int[] pos = {0};
      String name = quoted(line, pos);
      if (pos[0] >= line.length() || line.charAt(pos[0]) != '=') {
        throw new IllegalArgumentException("no '=' after the name: " + line);
      }
      String rest = line.substring(pos[0] + 1);
      if (rest.startsWith("\"")) {
        int[] p = {0};
        String value = quoted(rest, p);
        if (p[0] != rest.length()) {
          throw new IllegalArgumentException("text after the string: " + line);
        }
        out.add(RegistryValue.string(key, name, value));
      } else {
        Matcher d = DWORD.matcher(rest);
        if (!d.matches()) {
          throw new IllegalArgumentException("unknown data: " + line);
        }
        out.add(RegistryValue.dword(key, name, (int) Long.parseLong(d.group(1), 16)));
      }
    }
    return out;
  }

  /** Reads a quoted string at pos[0], advancing it past the closing quote. */
  private static String quoted(String line, int[] pos) {
    if (pos[0] >= line.length() || line.charAt(pos[0]) != '"') {
      throw new IllegalArgumentException("expected a quoted string: " + line);
    }
    StringBuilder sb = new StringBuilder();
    int i = pos[0] + 1;
    while (true) {
      if (i >= line.length()) {
        throw new IllegalArgumentException("unterminated string: " + line);
      }
      char c = line.charAt(i);
      if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("a lone backslash: " + line);
        }
        char n = line.charAt(i + 1);
        if (n != '\\' && n != '"') {
          throw new IllegalArgumentException("unknown escape \\" + n + ": " + line);
        }
        sb.append(n);
        i += 2;
      } else if (c == '"') {
        pos[0] = i + 1;
        return sb.toString();
      } else {
        sb.append(c);
        i++;
      }
    }
  }
}
