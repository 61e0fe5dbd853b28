package dev.trustbundle.client;

import dev.trustbundle.error.MalformedInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code Registry.pol}, the PReg format of Group Policy and LGPO ("Registry Policy File Format";
 * [MS-GPREG] 2.2.1): the signature {@code PReg}, the version 1 as a little-endian DWORD, then one
 * instruction per value, {@code [key;value;type;size;data]}, where the brackets and semicolons are
 * UTF-16LE characters, key and value are UTF-16LE strings ending in a NUL character, type and size
 * are little-endian DWORDs and data is {@code size} raw bytes. Nothing separates the instructions.
 *
 * <p>The reader is strict and bounded: it accepts exactly that grammar (key characters %x20-5B /
 * %x5D-7E, value names of 1 to 259 printable characters, the types the specification lists, at most
 * 65535 data bytes) and data consistent with its type, and refuses anything else with the offset of
 * the first problem.
 */
public final class PolicyFile {
  private PolicyFile() {}

  /** The file signature, {@code PReg} (REGFILE_SIGNATURE 0x67655250 little-endian). */
  public static final int SIGNATURE = 0x67655250;

  /** The only format version (REGISTRY_FILE_VERSION). */
  public static final int VERSION = 1;

  /** Largest file the reader accepts. */
  public static final int MAX_FILE = 4 << 20;

  /** Most instructions the reader accepts. */
  public static final int MAX_ENTRIES = 10_000;

  private static final int MAX_KEY_CHARS = 32767;
  private static final int MAX_NAME_CHARS = 259;

  /** The file's bytes. */
  public static byte[] write(List<RegistryValue> values) {
    if (values.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("more than " + MAX_ENTRIES + " values");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, SIGNATURE);
    writeInt(out, VERSION);
    for (RegistryValue v : values) {
      dataProblem(v.type(), v.data())
          .ifPresent(
              p -> {
                throw new IllegalArgumentException(v.name() + ": " + p);
              });
      writeChar(out, '[');
      writeString(out, v.key());
      writeChar(out, ';');
      writeString(out, v.name());
      writeChar(out, ';');
      writeInt(out, v.type().code());
      writeChar(out, ';');
      writeInt(out, v.data().length);
      writeChar(out, ';');
      out.writeBytes(v.data());
      writeChar(out, ']');
    }
    return out.toByteArray();
  }

  /**
   * Reads a file written by Group Policy, LGPO or {@link #write}.
   *
   * @param name how to name the file in messages
   * @throws MalformedInputException at the first byte that does not fit the format
   */
  public static List<RegistryValue> read(String name, byte[] file) {
    if (file.length > MAX_FILE) {
      throw new MalformedInputException(
          name + " has " + file.length + " bytes, more than the " + MAX_FILE + " accepted");
    }
    Reader r = new Reader(name, file);
    if (file.length < 8) {
      throw new MalformedInputException(
          name + " is truncated: " + file.length + " bytes, shorter than the 8-byte PReg header");
    }
    if (r.readInt() != SIGNATURE) {
      throw new MalformedInputException(name + " is not a Registry.pol file (no PReg signature)");
    }
    int version = r.readInt();
    if (version != VERSION) {
      throw new MalformedInputException(
          name + " has PReg version " + Integer.toUnsignedString(version) + "; only 1 exists");
    }
    List<RegistryValue> out = new ArrayList<>();
    while (r.pos < file.length) {
      if (out.size() >= MAX_ENTRIES) {
        throw r.fail("more than " + MAX_ENTRIES + " entries");
      }
      int start = r.pos;
      r.expect('[');
      String key = r.readString(MAX_KEY_CHARS, "key");
      if (!RegistryValue.validKey(key)) {
        throw r.failAt(start, "entry key " + printable(key) + " is not a valid key path");
      }
      r.expect(';');
      String value = r.readString(MAX_NAME_CHARS, "value name");
      if (!RegistryValue.validName(value)) {
        throw r.failAt(start, "entry value name " + printable(value) + " is not valid");
      }
      r.expect(';');
      long typeCode = Integer.toUnsignedLong(r.readInt());
      RegType type =
          RegType.of(typeCode)
              .orElseThrow(
                  () -> r.failAt(start, "entry " + value + " has unknown type " + typeCode));
      r.expect(';');
      long size = Integer.toUnsignedLong(r.readInt());
      if (size > RegistryValue.MAX_DATA) {
        throw r.failAt(start, "entry " + value + " declares " + size + " data bytes, over 65535");
      }
      r.expect(';');
      byte[] data = r.readBytes((int) size, "the data of " + value);
      dataProblem(type, data)
          .ifPresent(
              p -> {
                throw r.failAt(start, "entry " + value + ": " + p);
              });
      r.expect(']');
      out.add(new RegistryValue(key, value, type, data));
    }
    return List.copyOf(out);
  }

  /** What is wrong with data of this type, if anything. */
  static Optional<String> dataProblem(RegType type, byte[] data) {
    return switch (type) {
      case DWORD, DWORD_BIG_ENDIAN ->
          data.length == 4
              ? Optional.empty()
              : Optional.of(type + " needs 4 bytes, not " + data.length);
      case QWORD ->
          data.length == 8
              ? Optional.empty()
              : Optional.of("QWORD needs 8 bytes, not " + data.length);
      case SZ, EXPAND_SZ -> {
        if (data.length < 2 || data.length % 2 != 0) {
          yield Optional.of(type + " needs an even number of bytes ending in NUL");
        }
        for (int i = 0; i < data.length - 2; i += 2) {
          if (data[i] == 0 && data[i + 1] == 0) {
            yield Optional.of(type + " holds a NUL before its end");
          }
        }
        yield data[data.length - 1] == 0 && data[data.length - 2] == 0
            ? Optional.empty()
            : Optional.of(type + " is not NUL-terminated");
      }
      case MULTI_SZ ->
          data.length >= 2
                  && data.length % 2 == 0
                  && data[data.length - 1] == 0
                  && data[data.length - 2] == 0
              ? Optional.empty()
              : Optional.of("MULTI_SZ needs an even number of bytes ending in NUL");
      case BINARY -> Optional.empty();
    };
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
  }

  private static void writeChar(ByteArrayOutputStream out, char c) {
    out.write(c & 0xFF);
    out.write(c >>> 8);
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_16LE));
    writeChar(out, '\0');
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (sb.length() > 80) {
        sb.append("...");
        break;
      }
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.append('"').toString();
  }

  /** A cursor over the file; every read checks the bounds first. */
  private static final class Reader {
    final String name;
    final byte[] b;
    int pos;

    Reader(String name, byte[] b) {
      this.name = name;
      this.b = b;
    }

    int readInt() {
      need(4, "a DWORD");
      int v = ByteBuffer.wrap(b, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      pos += 4;
      return v;
    }

    char readChar(String what) {
      need(2, what);
      char c = (char) ((b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8);
      pos += 2;
      return c;
    }

    void expect(char c) {
      int at = pos;
      char got = readChar("'" + c + "'");
      if (got != c) {
        throw failAt(at, String.format("expected '%c' but found U+%04X", c, (int) got));
      }
    }

    String readString(int maxChars, String what) {
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = readChar("the end of the " + what);
        if (c == 0) {
          return sb.toString();
        }
        if (sb.length() >= maxChars) {
          throw fail("the " + what + " is longer than " + maxChars + " characters");
        }
        sb.append(c);
      }
    }

    byte[] readBytes(int n, String what) {
      need(n, what);
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    void need(int n, String what) {
      if (b.length - pos < n) {
        throw new MalformedInputException(
            name + " is truncated: it ends at offset " + b.length + " before " + what);
      }
    }

    MalformedInputException fail(String message) {
      return failAt(pos, message);
    }

    MalformedInputException failAt(int at, String message) {
      return new MalformedInputException(name + ": " + message + " (offset " + at + ")");
    }
  }
}
