package dev.trustbundle.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Byte-level damage for the hostile corpus: cuts, flips, patched fields, DER and tar surgery. */
final class Mutations {
  private Mutations() {}

  /** The first {@code n} bytes. */
  static byte[] cut(byte[] b, int n) {
    return Arrays.copyOf(b, n);
  }

  /** A copy with {@code mask} XORed into the byte at {@code off}. */
  static byte[] flip(byte[] b, int off, int mask) {
    byte[] c = b.clone();
    c[off] ^= (byte) mask;
    return c;
  }

  /** A copy with {@code with} written over the bytes at {@code off}. */
  static byte[] patch(byte[] b, int off, byte... with) {
    byte[] c = b.clone();
    System.arraycopy(with, 0, c, off, with.length);
    return c;
  }

  /** A copy with a little-endian 16-bit value written at {@code off}. */
  static byte[] le16(byte[] b, int off, int v) {
    return patch(b, off, (byte) v, (byte) (v >>> 8));
  }

  /** A copy with a little-endian 32-bit value written at {@code off}. */
  static byte[] le32(byte[] b, int off, long v) {
    return patch(b, off, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24));
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }

  static long u32(byte[] b, int off) {
    return (b[off] & 0xFFL)
        | (b[off + 1] & 0xFFL) << 8
        | (b[off + 2] & 0xFFL) << 16
        | (b[off + 3] & 0xFFL) << 24;
  }

  /** {@code a} followed by {@code b}. */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Replaces {@code len} bytes at {@code off} by {@code with} (the result may change size). */
  static byte[] splice(byte[] b, int off, int len, byte[] with) {
    return concat(Arrays.copyOfRange(b, 0, off), with, Arrays.copyOfRange(b, off + len, b.length));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Number of length octets of the DER element at {@code start} (after its tag octet). */
  static int lengthOctets(byte[] der, int start) {
    int first = der[start + 1] & 0xFF;
    return first < 0x80 ? 1 : 1 + (first & 0x7F);
  }

  /** Replaces the length octets of the DER element at {@code start} with {@code encoding}. */
  static byte[] derLength(byte[] der, int start, byte... encoding) {
    return splice(der, start + 1, lengthOctets(der, start), encoding);
  }

  /** A DER length encoding of {@code n}. */
  static byte[] lengthOf(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >>> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  /** A DER element. */
  static byte[] tlv(int tag, byte[] value) {
    return concat(new byte[] {(byte) tag}, lengthOf(value.length), value);
  }

  /**
   * {@code depth} nested constructed elements of {@code tag} around {@code core}, written in one
   * pass (wrapping level by level would copy the whole buffer each time).
   */
  static byte[] nest(int tag, int depth, byte[] core) {
    int[] len = new int[depth + 1];
    len[depth] = core.length;
    for (int i = depth - 1; i >= 0; i--) {
      len[i] = 1 + lengthOf(len[i + 1]).length + len[i + 1];
    }
    byte[] out = new byte[len[0]];
    int pos = 0;
    for (int i = 0; i < depth; i++) {
      out[pos++] = (byte) tag;
      byte[] l = lengthOf(len[i + 1]);
      System.arraycopy(l, 0, out, pos, l.length);
      pos += l.length;
    }
    System.arraycopy(core, 0, out, pos, core.length);
    return out;
  }

  /** Gzip of {@code data} (header time 0, so the bytes are the same every run). */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A ustar archive written header by header, so that tests control every field: names the archive
   * library would normalise, link and device types, sizes that lie, bad checksums.
   */
  static final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A regular file. */
    RawTar file(String name, byte[] data) {
      return entry(name, '0', data.length, data, "", false);
    }

    /**
     * One entry.
     *
     * @param name the name field (ASCII, up to 100 bytes; longer names use a PAX header)
     * @param type the type flag
     * @param declared the size written in the header
     * @param data the bytes that follow (padded to 512)
     * @param link the link name
     * @param badChecksum write a wrong header checksum
     */
    RawTar entry(
        String name, char type, long declared, byte[] data, String link, boolean badChecksum) {
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      if (nameBytes.length > 100) {
        byte[] pax = pax("path", name);
        entry("PaxHeaders/x", 'x', pax.length, pax, "", false);
        nameBytes = Arrays.copyOf(nameBytes, 100);
      }
      byte[] h = new byte[512];
      System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
      octal(h, 100, 8, 0644);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      if (declared >= 0 && declared < 077777777777L) {
        octal(h, 124, 12, declared);
      } else {
        // GNU base-256: the top bit of the first byte set, the value big-endian in the rest.
        long v = declared;
        for (int i = 135; i > 124; i--) {
          h[i] = (byte) v;
          v >>= 8;
        }
        h[124] = (byte) (declared < 0 ? 0xFF : 0x80);
      }
      octal(h, 136, 12, 0);
      h[156] = (byte) type;
      byte[] l = link.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(l, 0, h, 157, Math.min(100, l.length));
      System.arraycopy(ascii("ustar\0"), 0, h, 257, 6);
      h[263] = '0';
      h[264] = '0';
      System.arraycopy(ascii("root"), 0, h, 265, 4);
      System.arraycopy(ascii("root"), 0, h, 297, 4);
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte x : h) {
        sum += x & 0xFF;
      }
      octal(h, 148, 7, badChecksum ? sum + 1 : sum);
      h[155] = ' ';
      out.writeBytes(h);
      out.writeBytes(data);
      int pad = (512 - data.length % 512) % 512;
      out.writeBytes(new byte[pad]);
      return this;
    }

    /** Raw bytes (e.g. a header already built), unpadded. */
    RawTar raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    /** The archive with its two zero end blocks. */
    byte[] tar() {
      return concat(out.toByteArray(), new byte[1024]);
    }

    /** The archive without end blocks (cut short). */
    byte[] tarWithoutEnd() {
      return out.toByteArray();
    }

    private static byte[] pax(String key, String value) {
      String body = " " + key + "=" + value + "\n";
      int len = body.length();
      int total = len + String.valueOf(len).length();
      if (String.valueOf(total).length() != String.valueOf(len).length()) {
        total++;
      }
      return (total + body).getBytes(StandardCharsets.UTF_8);
    }

    private static void octal(byte[] h, int off, int width, long v) {
      String s = Long.toOctalString(v);
      while (s.length() < width - 1) {
        s = "0" + s;
      }
      byte[] b = ascii(s);
      System.arraycopy(b, 0, h, off, Math.min(b.length, width - 1));
      h[off + width - 1] = 0;
    }
  }
}
