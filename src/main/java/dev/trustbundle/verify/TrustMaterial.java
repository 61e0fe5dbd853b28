package dev.trustbundle.verify;

import dev.trustbundle.ctl.Ctl;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a disconnected network trusts: the certificates of a bundle (roots the authroot list names,
 * profile roots and intermediates, removed roots), the authroot list with each root's attributes,
 * and the SHA-1 thumbprints Microsoft disallows.
 *
 * @param certificates the bundle's certificates
 * @param authroot the authroot list, when the bundle carries one
 * @param disallowedSha1 thumbprints of disallowed certificates (upper-case hex), from the
 *     disallowed list's 20-byte entries and {@code disallowedcert.sst}
 */
public record TrustMaterial(
    List<ChainCandidate> certificates, Optional<Ctl> authroot, Set<String> disallowedSha1) {
  public TrustMaterial {
    certificates = List.copyOf(certificates);
    disallowedSha1 = Set.copyOf(disallowedSha1);
  }
}
