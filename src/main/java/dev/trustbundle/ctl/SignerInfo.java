package dev.trustbundle.ctl;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SignerInfo of a signed list, with the signed attributes kept exactly as received.
 *
 * @param version SignerInfo version
 * @param issuer DER issuer Name of issuerAndSerialNumber (empty for a subjectKeyIdentifier sid)
 * @param serialNumber serial of issuerAndSerialNumber
 * @param subjectKeyIdentifier the sid when it is a subjectKeyIdentifier
 * @param digestAlgorithm digestAlgorithm OID
 * @param signedAttributesEncoded the {@code [0] IMPLICIT} signedAttrs element as received, tag
 *     included; the signature covers it with the tag changed to SET (0x31)
 * @param signedAttributes the signed attributes, decoded one level
 * @param signatureAlgorithm signatureAlgorithm OID
 * @param signature the signature value
 * @param unsignedAttributeTypes the types of any unsigned attributes (nested signatures and
 *     countersignatures in older lists)
 */
public record SignerInfo(
    long version,
    Optional<byte[]> issuer,
    Optional<BigInteger> serialNumber,
    Optional<byte[]> subjectKeyIdentifier,
    String digestAlgorithm,
    Optional<byte[]> signedAttributesEncoded,
    List<RawAttribute> signedAttributes,
    String signatureAlgorithm,
    byte[] signature,
    List<String> unsignedAttributeTypes) {
  public SignerInfo {
    Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
    Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
    Objects.requireNonNull(signature, "signature");
    signedAttributes = List.copyOf(signedAttributes);
    unsignedAttributeTypes = List.copyOf(unsignedAttributeTypes);
  }

  /** The values of the signed attribute {@code oid}, each as full DER. */
  public List<byte[]> signedAttribute(String oid) {
    return signedAttributes.stream()
        .filter(a -> a.oid().equals(oid))
        .flatMap(a -> a.values().stream())
        .toList();
  }
}
