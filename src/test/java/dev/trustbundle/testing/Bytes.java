package dev.trustbundle.testing;

/** Byte-array helpers for tests that alter encodings in place. */
public final class Bytes {
  private Bytes() {}

  /** The first index of {@code needle} in {@code hay}; fails the test when it is absent. */
  public static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("byte sequence not found");
  }
}
