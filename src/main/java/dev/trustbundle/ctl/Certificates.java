package dev.trustbundle.ctl;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificate and CRL decoding that turns every parser failure into a {@link CtlFormatException}.
 */
public final class Certificates {
  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END"
              + " (?:X509 |TRUSTED )?CERTIFICATE-----");
  private static final Pattern PEM_CRL =
      Pattern.compile("-----BEGIN X509 CRL-----([A-Za-z0-9+/=\\s]*?)-----END X509 CRL-----");
  private static final int MAX_PEM_BLOCKS = 10_000;
  private static final int MAX_CERT_DEPTH = 32;

  private Certificates() {}

  /** One DER SEQUENCE and nothing after it, nested no deeper than the JDK parser can take. */
  private static void checkSingleDer(byte[] der, String what, String kind) {
    if (der.length == 0) {
      throw new CtlFormatException(what + " is empty");
    }
    Der.Tlv t = Der.read(der, 0, der.length, what).expect(Der.SEQUENCE, what);
    if (t.end() != der.length) {
      throw new CtlFormatException(
          what
              + " is not a single DER "
              + kind
              + " ("
              + (der.length - t.end())
              + " bytes follow it); give a DER or PEM "
              + kind
              + " file");
    }
    Der.checkDepth(t, MAX_CERT_DEPTH, what);
  }

  /**
   * Parses one DER certificate. The nesting depth is checked first, so that hostile input cannot
   * overflow the stack of the JDK's recursive parser.
   */
  public static X509Certificate parse(byte[] der, String what) {
    checkSingleDer(der, what, "certificate");
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new CtlFormatException(what + " is not a valid X.509 certificate: " + reason(e), e);
    }
  }

  /**
   * Parses one DER certificate revocation list, with the same checks as {@link #parse}: a single
   * DER element, nesting bounded before the JDK's parser sees it.
   */
  public static X509CRL parseCrl(byte[] der, String what) {
    checkSingleDer(der, what, "CRL");
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509CRL) cf.generateCRL(new ByteArrayInputStream(der));
    } catch (CRLException | CertificateException | RuntimeException e) {
      throw new CtlFormatException(what + " is not a valid CRL: " + reason(e), e);
    }
  }

  /** Whether the bytes are a PEM CRL ({@code -----BEGIN X509 CRL-----}). */
  public static boolean isPemCrl(byte[] data) {
    return looksLikePem(data)
        && new String(data, 0, Math.min(data.length, 65536), StandardCharsets.ISO_8859_1)
            .contains("-----BEGIN X509 CRL-----");
  }

  /**
   * The DER CRL in a file: the file itself, or the one PEM {@code X509 CRL} block it holds.
   *
   * @throws CtlFormatException when a PEM file holds no block, several, or bad base64
   */
  public static byte[] crlDer(byte[] data, String what) {
    if (!looksLikePem(data)) {
      return data;
    }
    Matcher m = PEM_CRL.matcher(new String(data, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new CtlFormatException(what + " has no complete PEM X509 CRL block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new CtlFormatException(what + ": the PEM X509 CRL block is not valid base64");
    }
    if (m.find()) {
      throw new CtlFormatException(what + " holds more than one CRL; give one per file");
    }
    return der;
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

  /** A short, one-line reason from an exception chain, without Java class names. */
  static String reason(Throwable e) {
    return dev.trustbundle.error.Messages.plain(e);
  }
}
