package dev.trustbundle.ctl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A CTL in its PKCS#7 SignedData envelope, with the raw bytes it was parsed from.
 *
 * @param raw the file as received
 * @param contentForm how the CTL is carried inside {@code [0]}
 * @param digestedStart offset in {@code raw} of the bytes the messageDigest covers
 * @param digestedLength length of those bytes
 * @param ctl the parsed list
 * @param digestAlgorithms SignedData.digestAlgorithms
 * @param certificates the DER certificates of the envelope, in order
 * @param signerInfos every SignerInfo (Microsoft's lists carry exactly one)
 */
public record SignedCtl(
    byte[] raw,
    ContentForm contentForm,
    int digestedStart,
    int digestedLength,
    Ctl ctl,
    List<String> digestAlgorithms,
    List<byte[]> certificates,
    List<SignerInfo> signerInfos) {

  /** How the CTL sits in encapContentInfo (reference 3.1). */
  public enum ContentForm {
    /** PKCS#7 v1.5 style: the CTL SEQUENCE directly; its contents octets are digested. */
    SEQUENCE,
    /** CMS style: an OCTET STRING holding the CTL; the string's contents are digested. */
    OCTET_STRING
  }

  public SignedCtl {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(contentForm, "contentForm");
    Objects.requireNonNull(ctl, "ctl");
    if (digestedStart < 0 || digestedLength < 0 || digestedStart + digestedLength > raw.length) {
      throw new IllegalArgumentException("digested range outside the input");
    }
    digestAlgorithms = List.copyOf(digestAlgorithms);
    certificates = List.copyOf(certificates);
    signerInfos = List.copyOf(signerInfos);
  }

  /** A copy of exactly the bytes the messageDigest attribute must match. */
  public byte[] digestedContent() {
    return Arrays.copyOfRange(raw, digestedStart, digestedStart + digestedLength);
  }
}
