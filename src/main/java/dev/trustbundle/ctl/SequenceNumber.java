package dev.trustbundle.ctl;

import java.util.Arrays;
import java.util.Objects;

/**
 * A list's sequenceNumber as the raw INTEGER contents octets. Ordered by Microsoft's rule
 * (reference 4.1 step 7): a longer number is newer; at equal length a bytewise comparison decides.
 */
public record SequenceNumber(byte[] raw) implements Comparable<SequenceNumber> {
  public SequenceNumber {
    Objects.requireNonNull(raw, "raw");
    if (raw.length == 0 || raw.length > 64) {
      throw new IllegalArgumentException("a sequence number has 1 to 64 bytes");
    }
    raw = raw.clone();
  }

  /** Parses upper- or lower-case hex. */
  public static SequenceNumber ofHex(String hex) {
    return new SequenceNumber(Hex.parse(hex.trim()));
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** Upper-case big-endian hex, as certutil prints it and authrootseq.txt holds it. */
  public String hex() {
    return Hex.upper(raw);
  }

  @Override
  public int compareTo(SequenceNumber o) {
    if (raw.length != o.raw.length) {
      return Integer.compare(raw.length, o.raw.length);
    }
    return Arrays.compareUnsigned(raw, o.raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequenceNumber s && Arrays.equals(raw, s.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return hex();
  }
}
