package dev.trustbundle.client;

import java.util.Optional;

/**
 * The registry value types a {@code Registry.pol} may carry ([MS-GPREG] 2.2.1, {@code Type}), with
 * their WinNT.h numbers.
 */
public enum RegType {
  /** REG_SZ: a NUL-terminated UTF-16LE string. */
  SZ(1),
  /** REG_EXPAND_SZ: like REG_SZ, with %VARIABLE% references. */
  EXPAND_SZ(2),
  /** REG_BINARY: any bytes. */
  BINARY(3),
  /** REG_DWORD: a 32-bit little-endian number. */
  DWORD(4),
  /** REG_DWORD_BIG_ENDIAN: a 32-bit big-endian number. */
  DWORD_BIG_ENDIAN(5),
  /** REG_MULTI_SZ: NUL-terminated strings followed by an empty one. */
  MULTI_SZ(7),
  /** REG_QWORD: a 64-bit little-endian number. */
  QWORD(11);

  private final int code;

  RegType(int code) {
    this.code = code;
  }

  /** The WinNT.h number. */
  public int code() {
    return code;
  }

  /** The type with this number, if [MS-GPREG] allows it. */
  public static Optional<RegType> of(long code) {
    for (RegType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
