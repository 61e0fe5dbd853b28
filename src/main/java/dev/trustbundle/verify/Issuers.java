package dev.trustbundle.verify;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;

/** Finding the certificate that issued another: same name, and its key verifies the signature. */
public final class Issuers {
  private Issuers() {}

  /**
   * The first candidate whose subject is {@code child}'s issuer and whose key verifies {@code
   * child}'s signature; a same-named CA with another key (a re-keyed CA) is passed over.
   */
  public static Optional<X509Certificate> find(
      X509Certificate child, Collection<X509Certificate> candidates) {
    for (X509Certificate c : candidates) {
      if (!c.getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
        continue;
      }
      try {
        child.verify(c.getPublicKey());
        return Optional.of(c);
      } catch (GeneralSecurityException | RuntimeException e) {
        // Same name, other key: keep looking.
      }
    }
    return Optional.empty();
  }
}
