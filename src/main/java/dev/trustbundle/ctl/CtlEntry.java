package dev.trustbundle.ctl;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TrustedSubject of a CTL with every attribute of reference 3.3 decoded. An absent attribute is
 * an empty {@code Optional}; attributes this class does not know are kept raw.
 *
 * @param identifier subjectIdentifier: the SHA-1 of the root (authroot) or a 16-byte hash
 *     (disallowed)
 * @param ekus 9: allowed EKUs (absent means all)
 * @param friendlyName 11: the display name
 * @param keyIdentifier 20: subject key identifier
 * @param subjectNameMd5 29: MD5 of the DER subject name
 * @param rootProgramPolicies 83: EV and root-program policies
 * @param sha256 98: SHA-256 of the DER certificate
 * @param disabledAfter 104: the disable date
 * @param chainPolicies 105: root-program chain policies
 * @param disallowedEkus 122: the EKUs the disable date applies to
 * @param notBefore 126: certificates issued after this date are not trusted
 * @param notBeforeEkus 127: the EKUs the NotBefore date applies to
 * @param otherAttributes attributes with no decoder here
 */
public record CtlEntry(
    byte[] identifier,
    Optional<List<String>> ekus,
    Optional<String> friendlyName,
    Optional<byte[]> keyIdentifier,
    Optional<byte[]> subjectNameMd5,
    Optional<List<CertPolicy>> rootProgramPolicies,
    Optional<byte[]> sha256,
    Optional<CutoffDate> disabledAfter,
    Optional<List<String>> chainPolicies,
    Optional<List<String>> disallowedEkus,
    Optional<CutoffDate> notBefore,
    Optional<List<String>> notBeforeEkus,
    List<RawAttribute> otherAttributes) {
  public CtlEntry {
    Objects.requireNonNull(identifier, "identifier");
    if (identifier.length == 0 || identifier.length > 64) {
      throw new IllegalArgumentException("an entry identifier has 1 to 64 bytes");
    }
    otherAttributes = List.copyOf(otherAttributes);
  }

  /** The identifier in upper-case hex: for authroot, the root's SHA-1 and its file name. */
  public String identifierHex() {
    return Hex.upper(identifier);
  }

  /** The SHA-256 attribute in upper-case hex. */
  public Optional<String> sha256Hex() {
    return sha256.map(Hex::upper);
  }
}
