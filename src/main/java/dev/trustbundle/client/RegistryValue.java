package dev.trustbundle.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One registry value below {@code HKEY_LOCAL_MACHINE}: its key path (without the hive), name, type
 * and data exactly as the registry stores them (a REG_SZ as UTF-16LE with its NUL terminator, a
 * REG_DWORD as 4 little-endian bytes).
 *
 * @param key key path below HKLM, segments separated by one backslash, printable ASCII
 * @param name value name, printable ASCII, 1 to 259 characters
 * @param type the value type
 * @param data the value's bytes (copied)
 */
public record RegistryValue(String key, String name, RegType type, byte[] data) {
  /** Largest data a {@code Registry.pol} record can carry ([MS-GPREG]: {@code *65535OCTET}). */
  public static final int MAX_DATA = 65535;

  public RegistryValue {
    Objects.requireNonNull(type, "type");
    if (!validKey(key)) {
      throw new IllegalArgumentException("not a registry key path: " + key);
    }
    if (!validName(name)) {
      throw new IllegalArgumentException("not a registry value name: " + name);
    }
    data = data.clone();
    if (data.length > MAX_DATA) {
      throw new IllegalArgumentException("value " + name + " has more than " + MAX_DATA + " bytes");
    }
  }

  /** A REG_SZ value. */
  public static RegistryValue string(String key, String name, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a REG_SZ value cannot hold NUL: " + name);
    }
    return new RegistryValue(
        key, name, RegType.SZ, (value + "\0").getBytes(StandardCharsets.UTF_16LE));
  }

  /** A REG_DWORD value. */
  public static RegistryValue dword(String key, String name, int value) {
    return new RegistryValue(
        key,
        name,
        RegType.DWORD,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The string of a REG_SZ or REG_EXPAND_SZ value, without its terminator. */
  public String stringValue() {
    if ((type != RegType.SZ && type != RegType.EXPAND_SZ)
        || data.length < 2
        || data.length % 2 != 0
        || data[data.length - 1] != 0
        || data[data.length - 2] != 0) {
      throw new IllegalStateException(name + " is not a NUL-terminated string");
    }
    return new String(data, 0, data.length - 2, StandardCharsets.UTF_16LE);
  }

  /** The number of a REG_DWORD value, unsigned. */
  public long dwordValue() {
    if (type != RegType.DWORD || data.length != 4) {
      throw new IllegalStateException(name + " is not a REG_DWORD");
    }
    return Integer.toUnsignedLong(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt());
  }

  /**
   * Whether this is a key path as [MS-GPREG] allows: {@code Key *("\" Key)}, each Key one or more
   * of %x20-5B / %x5D-7E, at most 255 characters a segment (the registry's own limit).
   */
  static boolean validKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 32767) {
      return false;
    }
    for (String seg : key.split("\\\\", -1)) {
      if (seg.isEmpty()
          || seg.length() > 255
          || !seg.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this is a value name as [MS-GPREG] allows: 1 to 259 of SP / VCHAR. */
  static boolean validName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= 259
        && name.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryValue v
        && key.equals(v.key)
        && name.equals(v.name)
        && type == v.type
        && Arrays.equals(data, v.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, name, type, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    String shown =
        switch (type) {
          case SZ, EXPAND_SZ -> {
            try {
              yield "\"" + stringValue() + "\"";
            } catch (IllegalStateException e) {
              yield data.length + " bytes";
            }
          }
          case DWORD ->
              data.length == 4 ? "0x" + Long.toHexString(dwordValue()) : data.length + " bytes";
          default -> data.length + " bytes";
        };
    return key + "\\" + name + " (" + type + ") = " + shown;
  }
}
