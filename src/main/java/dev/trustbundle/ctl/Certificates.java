package dev.trustbundle.ctl;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Certificate decoding that turns every parser failure into a {@link CtlFormatException}. */
public final class Certificates {
  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END"
              + " (?:X509 |TRUSTED )?CERTIFICATE-----");
  private static final int MAX_PEM_BLOCKS = 10_000;
  private static final int MAX_CERT_DEPTH = 32;

  private Certificates() {}

  /**
   * Parses one DER certificate. The nesting depth is checked first, so that hostile input cannot
   * overflow the stack of the JDK's recursive parser.
   */
  public static X509Certificate parse(byte[] der, String what) {
    if (der.length == 0) {
      throw new CtlFormatException(what + " is empty");
    }
    Der.Tlv t = Der.read(der, 0, der.length, what).expect(Der.SEQUENCE, what);
    if (t.end() != der.length) {
      throw new CtlFormatException(
          what
              + " is not a single DER certificate ("
              + (der.length - t.end())
              + " bytes follow it); give a DER or PEM certificate file");
    }
    Der.checkDepth(t, MAX_CERT_DEPTH, what);
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new CtlFormatException(what + " is not a valid X.509 certificate: " + reason(e), e);
    }
  }

  /**
   * The DER certificates in a file: one DER certificate, or any number of PEM blocks.
   *
   * @throws CtlFormatException when the file holds neither
   */
  public static List<byte[]> split(byte[] data, String what) {
    if (looksLikePem(data)) {
      String text = new String(data, StandardCharsets.US_ASCII);
      Matcher m = PEM.matcher(text);
      List<byte[]> out = new ArrayList<>();
      while (m.find()) {
        if (out.size() >= MAX_PEM_BLOCKS) {
          throw new CtlFormatException(what + " holds more than " + MAX_PEM_BLOCKS + " PEM blocks");
        }
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(1)));
        } catch (IllegalArgumentException e) {
          throw new CtlFormatException(
              what + ": PEM block " + (out.size() + 1) + " is not valid base64");
        }
      }
      if (out.isEmpty()) {
        throw new CtlFormatException(what + " has no complete PEM CERTIFICATE block");
      }
      return out;
    }
    return List.of(data);
  }

  /**
   * Whether the bytes are PEM text: not a DER SEQUENCE, and a {@code -----BEGIN} line within the
   * first 64 KiB (PEM allows text such as {@code openssl x509 -text} output before the block).
   */
  public static boolean looksLikePem(byte[] data) {
    if (data.length == 0 || data[0] == Der.SEQUENCE) {
      return false;
    }
    String head = new String(data, 0, Math.min(data.length, 65536), StandardCharsets.ISO_8859_1);
    return head.contains("-----BEGIN");
  }

  /** A short, one-line reason from an exception chain. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (m == null) {
      m = t.getClass().getSimpleName();
    }
    return m.replaceAll("\\s+", " ").trim();
  }
}
