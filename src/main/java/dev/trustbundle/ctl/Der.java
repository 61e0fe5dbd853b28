package dev.trustbundle.ctl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal, strict DER reader that works on slices of the original bytes, so that digests can be
 * computed over exactly the bytes received. Definite lengths only; every length is checked against
 * its enclosing element; element counts and nesting depth are bounded.
 */
public final class Der {
  /** Tag numbers used here (universal class, with the constructed bit where it applies). */
  public static final int BOOLEAN = 0x01;

  public static final int INTEGER = 0x02;
  public static final int BIT_STRING = 0x03;
  public static final int OCTET_STRING = 0x04;
  public static final int NULL = 0x05;
  public static final int OID = 0x06;
  public static final int UTF8_STRING = 0x0C;
  public static final int UTC_TIME = 0x17;
  public static final int GENERALIZED_TIME = 0x18;
  public static final int SEQUENCE = 0x30;
  public static final int SET = 0x31;

  /** Most children one constructed element may have: far above any real trust list. */
  public static final int MAX_CHILDREN = 1_000_000;

  /** Deepest nesting accepted by {@link #checkDepth}. */
  public static final int MAX_DEPTH = 64;

  private Der() {}

  /**
   * One DER element inside {@code buf}.
   *
   * @param buf the whole input
   * @param tag the identifier octet (low-tag-number form)
   * @param start offset of the identifier octet
   * @param valueStart offset of the first contents octet
   * @param length number of contents octets
   */
  public record Tlv(byte[] buf, int tag, int start, int valueStart, int length) {
    /** Offset just past the element. */
    public int end() {
      return valueStart + length;
    }

    /** Whether the constructed bit is set. */
    public boolean constructed() {
      return (tag & 0x20) != 0;
    }

    /** A copy of the contents octets. */
    public byte[] value() {
      return java.util.Arrays.copyOfRange(buf, valueStart, end());
    }

    /** A copy of the whole encoding, identifier and length octets included. */
    public byte[] encoded() {
      return java.util.Arrays.copyOfRange(buf, start, end());
    }

    /** The children of a constructed element. */
    public List<Tlv> children(String what) {
      if (!constructed()) {
        throw new CtlFormatException(what + " at offset " + start + " is not constructed");
      }
      List<Tlv> out = new ArrayList<>();
      int pos = valueStart;
      while (pos < end()) {
        if (out.size() >= MAX_CHILDREN) {
          throw new CtlFormatException(
              what + " at offset " + start + " has more than " + MAX_CHILDREN + " elements");
        }
        Tlv child = read(buf, pos, end(), what);
        out.add(child);
        pos = child.end();
      }
      return out;
    }

    /** Requires this tag. */
    public Tlv expect(int expectedTag, String what) {
      if (tag != expectedTag) {
        throw new CtlFormatException(
            String.format(
                "%s at offset %d: expected tag 0x%02X, found 0x%02X",
                what, start, expectedTag, tag));
      }
      return this;
    }

    /** The dotted text of an OBJECT IDENTIFIER. */
    public String oid(String what) {
      expect(OID, what);
      return decodeOid(buf, valueStart, length, what + " at offset " + start);
    }

    /** The value of a small non-negative INTEGER. */
    public long smallInt(String what) {
      expect(INTEGER, what);
      if (length == 0 || length > 8 || (buf[valueStart] & 0x80) != 0) {
        throw new CtlFormatException(what + " at offset " + start + " is not a small integer");
      }
      long v = 0;
      for (int i = 0; i < length; i++) {
        v = (v << 8) | (buf[valueStart + i] & 0xFF);
      }
      if (v < 0) {
        throw new CtlFormatException(what + " at offset " + start + " is out of range");
      }
      return v;
    }
  }

  /** Reads the single element that must fill the whole of {@code buf}. */
  public static Tlv readWhole(byte[] buf, String what) {
    Tlv t = read(buf, 0, buf.length, what);
    if (t.end() != buf.length) {
      throw new CtlFormatException(
          what + ": " + (buf.length - t.end()) + " bytes of trailing data after the DER element");
    }
    return t;
  }

  /** Reads the element at {@code pos}, which must end at or before {@code limit}. */
  public static Tlv read(byte[] buf, int pos, int limit, String what) {
    if (pos >= limit || limit > buf.length) {
      throw new CtlFormatException("truncated: " + what + " at offset " + pos + " is missing");
    }
    int tag = buf[pos] & 0xFF;
    if ((tag & 0x1F) == 0x1F) {
      throw new CtlFormatException(
          what + " at offset " + pos + ": high tag numbers are not used in these formats");
    }
    if (pos + 1 >= limit) {
      throw new CtlFormatException("truncated: " + what + " at offset " + pos + " has no length");
    }
    int first = buf[pos + 1] & 0xFF;
    int valueStart;
    long length;
    if (first < 0x80) {
      length = first;
      valueStart = pos + 2;
    } else if (first == 0x80) {
      throw new CtlFormatException(
          what + " at offset " + pos + " uses an indefinite length, which DER does not allow");
    } else {
      int n = first & 0x7F;
      if (n > 4) {
        throw new CtlFormatException(
            what + " at offset " + pos + " declares a " + n + "-byte length, too large");
      }
      if (pos + 2 + n > limit) {
        throw new CtlFormatException("truncated: the length of " + what + " at offset " + pos);
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = (length << 8) | (buf[pos + 2 + i] & 0xFF);
      }
      valueStart = pos + 2 + n;
    }
    if (length > limit - valueStart) {
      throw new CtlFormatException(
          "truncated: "
              + what
              + " at offset "
              + pos
              + " declares "
              + length
              + " bytes but only "
              + (limit - valueStart)
              + " remain");
    }
    return new Tlv(buf, tag, pos, valueStart, (int) length);
  }

  /**
   * Rejects nesting deeper than {@code maxDepth}, so that a later recursive parser (the JDK's
   * certificate parser) cannot be driven into a stack overflow. Only constructed universal and
   * context-specific elements are descended; OCTET and BIT STRING contents are opaque.
   */
  public static void checkDepth(Tlv t, int maxDepth, String what) {
    checkDepth(t, 0, maxDepth, what);
  }

  private static void checkDepth(Tlv t, int depth, int maxDepth, String what) {
    if (!t.constructed()) {
      return;
    }
    if (depth >= maxDepth) {
      throw new CtlFormatException(
          what + " nests deeper than " + maxDepth + " levels at offset " + t.start());
    }
    for (Tlv c : t.children(what)) {
      checkDepth(c, depth + 1, maxDepth, what);
    }
  }

  static String decodeOid(byte[] buf, int off, int len, String where) {
    if (len == 0 || len > 128) {
      throw new CtlFormatException(where + ": OBJECT IDENTIFIER of " + len + " bytes");
    }
    StringBuilder sb = new StringBuilder();
    long value = 0;
    int bytesInArc = 0;
    boolean first = true;
    for (int i = 0; i < len; i++) {
      int b = buf[off + i] & 0xFF;
      if (bytesInArc == 0 && b == 0x80) {
        throw new CtlFormatException(where + ": OBJECT IDENTIFIER arc with a leading 0x80");
      }
      value = (value << 7) | (b & 0x7F);
      bytesInArc++;
      if (bytesInArc > 8) {
        throw new CtlFormatException(where + ": OBJECT IDENTIFIER arc too large");
      }
      if ((b & 0x80) == 0) {
        if (first) {
          long a = value < 80 ? value / 40 : 2;
          sb.append(a).append('.').append(value - a * 40);
          first = false;
        } else {
          sb.append('.').append(value);
        }
        value = 0;
        bytesInArc = 0;
      }
    }
    if (bytesInArc != 0) {
      throw new CtlFormatException(where + ": OBJECT IDENTIFIER ends inside an arc");
    }
    return sb.toString();
  }

  /** Decodes a UTCTime or GeneralizedTime in the forms DER allows (ending in Z). */
  static java.time.Instant time(Tlv t, String what) {
    String s = new String(t.buf(), t.valueStart(), t.length(), StandardCharsets.US_ASCII);
    String where = what + " at offset " + t.start();
    try {
      if (t.tag() == UTC_TIME) {
        // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
        if (!s.matches("\\d{10}(\\d{2})?Z")) {
          throw new CtlFormatException(where + ": UTCTime \"" + s + "\" is not YYMMDDHHMM[SS]Z");
        }
        int yy = Integer.parseInt(s.substring(0, 2));
        int year = yy >= 50 ? 1900 + yy : 2000 + yy;
        return java.time.LocalDateTime.of(
                year,
                Integer.parseInt(s.substring(2, 4)),
                Integer.parseInt(s.substring(4, 6)),
                Integer.parseInt(s.substring(6, 8)),
                Integer.parseInt(s.substring(8, 10)),
                s.length() == 13 ? Integer.parseInt(s.substring(10, 12)) : 0)
            .toInstant(java.time.ZoneOffset.UTC);
      } else if (t.tag() == GENERALIZED_TIME) {
        if (!s.matches("\\d{14}(\\.\\d{1,9})?Z")) {
          throw new CtlFormatException(
              where + ": GeneralizedTime \"" + s + "\" is not YYYYMMDDHHMMSS[.f]Z");
        }
        java.time.LocalDateTime base =
            java.time.LocalDateTime.of(
                Integer.parseInt(s.substring(0, 4)),
                Integer.parseInt(s.substring(4, 6)),
                Integer.parseInt(s.substring(6, 8)),
                Integer.parseInt(s.substring(8, 10)),
                Integer.parseInt(s.substring(10, 12)),
                Integer.parseInt(s.substring(12, 14)));
        int nanos = 0;
        if (s.charAt(14) == '.') {
          String frac = s.substring(15, s.length() - 1);
          nanos = Integer.parseInt((frac + "000000000").substring(0, 9));
        }
        return base.withNano(nanos).toInstant(java.time.ZoneOffset.UTC);
      }
    } catch (java.time.DateTimeException e) {
      throw new CtlFormatException(where + ": \"" + s + "\" is not a valid date");
    }
    throw new CtlFormatException(
        String.format("%s: expected UTCTime or GeneralizedTime, found tag 0x%02X", where, t.tag()));
  }
}
