package dev.trustbundle.bundle;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A publisher's private key and certificate chain (signer first).
 *
 * @param key the private key
 * @param chain the signer's certificate, then any issuers
 */
public record SigningKey(PrivateKey key, List<X509Certificate> chain) {
  public SigningKey {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a signing key needs its certificate");
    }
  }

  /** The signer's certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }
}
