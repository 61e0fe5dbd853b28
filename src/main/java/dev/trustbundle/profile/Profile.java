package dev.trustbundle.profile;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated bundle profile.
 *
 * @param name short name, recorded in the manifest
 * @param description what the profile is for
 * @param roots roots the bundle must carry
 * @param intermediates intermediate CA certificates to carry
 * @param crls CRLs to carry
 * @param validityDays default bundle validity
 * @param graceDays how long roots that left the CTL stay in the mirror
 * @param sha256 SHA-256 of the profile file as read, for the manifest
 */
public record Profile(
    String name,
    String description,
    List<RootItem> roots,
    List<IntermediateItem> intermediates,
    List<CrlItem> crls,
    int validityDays,
    int graceDays,
    String sha256) {
  public Profile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    roots = List.copyOf(roots);
    intermediates = List.copyOf(intermediates);
    crls = List.copyOf(crls);
    Objects.requireNonNull(sha256, "sha256");
  }

  /**
   * A root the bundle must carry: one the authroot list names (by SHA-1 or SHA-256), or one from a
   * URL with a pinned SHA-256.
   *
   * @param name display name
   * @param sha1 upper-case SHA-1 thumbprint
   * @param sha256 upper-case SHA-256 of the DER certificate
   * @param url where to download it when it is not in the CTL
   */
  public record RootItem(
      String name, Optional<String> sha1, Optional<String> sha256, Optional<String> url) {}

  /**
   * An intermediate: pinned by SHA-256, or accepted when it chains to a root of the bundle and has
   * the given subject (so that a re-issued certificate still qualifies).
   *
   * @param name display name
   * @param url where the issuer publishes it
   * @param sha256 the pin
   * @param subject the required subject, with {@code chainToRoot}
   */
  public record IntermediateItem(
      String name, String url, Optional<String> sha256, Optional<String> subject) {}

  /**
   * A CRL: at a URL, or the CRL distribution points of the profile's certificates.
   *
   * @param url an explicit CRL URL
   * @param fromCdp true for {@code from: cdp}
   */
  public record CrlItem(Optional<String> url, boolean fromCdp) {}
}
