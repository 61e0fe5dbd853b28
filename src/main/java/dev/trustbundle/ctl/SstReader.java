package dev.trustbundle.ctl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a serialized certificate store ({@code .sst}; reference 3.6): a header {@code 00000000
 * "CERT"}, then records of {@code propId u32, encodingType u32, length u32, value}. Property
 * records accumulate until an element record (certificate 32, CRL 33, CTL 34) closes them; a record
 * with ID 0 and length 0 ends the store.
 *
 * <p>Structural damage (a truncated record, a length past the end) is fatal; a certificate that
 * does not parse, or whose stored SHA-1 property disagrees with its bytes, is reported on its
 * element and the rest of the store is still read.
 */
public final class SstReader {
  private static final int PROP_SHA1 = 3;
  private static final int ELEMENT_CERT = 32;
  private static final int ELEMENT_CRL = 33;
  private static final int ELEMENT_CTL = 34;
  private static final int MAX_RECORDS = 200_000;
  private static final int MAX_PROPERTIES_PER_ELEMENT = 256;

  private SstReader() {}

  /** Whether the bytes start with the serialized-store magic. */
  public static boolean isSst(byte[] data) {
    return data.length >= 8
        && data[0] == 0
        && data[1] == 0
        && data[2] == 0
        && data[3] == 0
        && data[4] == 'C'
        && data[5] == 'E'
        && data[6] == 'R'
        && data[7] == 'T';
  }

  /**
   * Reads every element of a store.
   *
   * @throws CtlFormatException when the store's record structure is broken
   */
  public static List<SstElement> read(byte[] data) {
    if (!isSst(data)) {
      throw new CtlFormatException(
          "not a serialized certificate store: it does not start with 00000000 \"CERT\"");
    }
    List<SstElement> out = new ArrayList<>();
    Map<Integer, byte[]> props = new LinkedHashMap<>();
    int pos = 8;
    int records = 0;
    boolean ended = false;
    while (pos < data.length) {
      if (++records > MAX_RECORDS) {
        throw new CtlFormatException("the store has more than " + MAX_RECORDS + " records");
      }
      if (data.length - pos < 12) {
        throw new CtlFormatException(
            "truncated: the record at offset " + pos + " has " + (data.length - pos) + " bytes");
      }
      long propId = u32(data, pos);
      long length = u32(data, pos + 8);
      if (propId == 0 && length == 0) {
        ended = true;
        pos += 12;
        break;
      }
      if (length > data.length - pos - 12) {
        throw new CtlFormatException(
            "truncated: the record at offset "
                + pos
                + " (property "
                + propId
                + ") declares "
                + length
                + " bytes but only "
                + (data.length - pos - 12)
                + " remain");
      }
      byte[] value = Arrays.copyOfRange(data, pos + 12, pos + 12 + (int) length);
      if (propId == ELEMENT_CERT || propId == ELEMENT_CRL || propId == ELEMENT_CTL) {
        out.add(element(out.size(), pos, (int) propId, value, props));
        props = new LinkedHashMap<>();
      } else {
        if (props.size() >= MAX_PROPERTIES_PER_ELEMENT) {
          throw new CtlFormatException(
              "more than " + MAX_PROPERTIES_PER_ELEMENT + " properties before offset " + pos);
        }
        if (propId > Integer.MAX_VALUE) {
          throw new CtlFormatException("property ID " + propId + " at offset " + pos);
        }
        props.put((int) propId, value);
      }
      pos += 12 + (int) length;
    }
    if (!ended) {
      throw new CtlFormatException("truncated: the store has no end record");
    }
    if (pos != data.length) {
      throw new CtlFormatException(
          (data.length - pos) + " bytes of trailing data after the store's end record");
    }
    if (!props.isEmpty()) {
      throw new CtlFormatException("properties without an element before the end record");
    }
    return out;
  }

  private static SstElement element(
      int index, int offset, int propId, byte[] value, Map<Integer, byte[]> props) {
    SstElement.Type type =
        switch (propId) {
          case ELEMENT_CERT -> SstElement.Type.CERTIFICATE;
          case ELEMENT_CRL -> SstElement.Type.CRL;
          default -> SstElement.Type.CTL;
        };
    Optional<java.security.cert.X509Certificate> cert = Optional.empty();
    Optional<String> problem = Optional.empty();
    if (type == SstElement.Type.CERTIFICATE) {
      try {
        cert = Optional.of(Certificates.parse(value, "certificate " + index));
      } catch (CtlFormatException e) {
        problem = Optional.of(e.getMessage());
      }
      byte[] sha1 = props.get(PROP_SHA1);
      if (sha1 != null && !Hex.upper(sha1).equals(Hex.sha1(value))) {
        problem =
            Optional.of(
                "the stored SHA-1 property "
                    + Hex.upper(sha1)
                    + " does not match the certificate bytes ("
                    + Hex.sha1(value)
                    + ")");
      }
    }
    return new SstElement(index, offset, type, value, props, cert, problem);
  }

  private static long u32(byte[] b, int p) {
    return (b[p] & 0xFFL)
        | (b[p + 1] & 0xFFL) << 8
        | (b[p + 2] & 0xFFL) << 16
        | (b[p + 3] & 0xFFL) << 24;
  }
}
