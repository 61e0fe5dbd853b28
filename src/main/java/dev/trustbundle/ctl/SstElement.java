package dev.trustbundle.ctl;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a serialized store: a certificate, CRL or CTL with the properties stored before
 * it.
 *
 * @param index position among the store's elements
 * @param offset byte offset of the element record in the file
 * @param type what the element holds
 * @param encoded the element's bytes as stored
 * @param properties the property records that precede it, by property ID
 * @param certificate the parsed certificate, when the element is one and it parses
 * @param problem why the element could not be used, if it could not
 */
public record SstElement(
    int index,
    int offset,
    Type type,
    byte[] encoded,
    Map<Integer, byte[]> properties,
    Optional<X509Certificate> certificate,
    Optional<String> problem) {

  /** Element property IDs (wincrypt.h CERT_CERT_PROP_ID and its CRL and CTL siblings). */
  public enum Type {
    CERTIFICATE,
    CRL,
    CTL
  }

  public SstElement {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(encoded, "encoded");
    properties = Map.copyOf(properties);
  }

  /** SHA-1 of the stored bytes, upper-case hex. */
  public String sha1() {
    return Hex.sha1(encoded);
  }
}
