package dev.trustbundle.verify;

import dev.trustbundle.ctl.Hex;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate chain building may use, with where it came from.
 *
 * @param cert the parsed certificate
 * @param sha1 SHA-1 of its DER bytes, upper-case hex (its Windows thumbprint)
 * @param source what kind of trust material it is
 * @param origin where it was found, for people: a file and position, or a path in the bundle
 * @param sourceUrl the URL it was downloaded from when the bundle was built, if known
 */
public record ChainCandidate(
    X509Certificate cert, String sha1, Source source, String origin, Optional<String> sourceUrl) {
  public ChainCandidate {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(sha1, "sha1");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(sourceUrl, "sourceUrl");
  }

  /** A candidate from DER bytes; the SHA-1 is computed from them. */
  public static ChainCandidate of(
      X509Certificate cert, byte[] der, Source source, String origin, Optional<String> sourceUrl) {
    return new ChainCandidate(cert, Hex.sha1(der), source, origin, sourceUrl);
  }

  /** Where a certificate comes from; only the bundle's roots can end a chain. */
  public enum Source {
    /** Given on the command line: the chain a server presents. Never trusted by itself. */
    GIVEN("given", false),
    /** A profile intermediate carried in the bundle ({@code extra/intermediates/}). */
    INTERMEDIATE("a profile intermediate in the bundle", false),
    /** A profile root not in Microsoft's list ({@code extra/roots/}). */
    EXTRA_ROOT("a profile root in the bundle", true),
    /** A root the bundle's authroot list names ({@code mirror/<SHA1>.crt}). */
    CTL_ROOT("a root of the authroot list in the bundle", true),
    /** A root kept in the mirror for its grace period after it left the list: not trusted. */
    REMOVED_ROOT("a root the authroot list no longer names", false);

    private final String label;
    private final boolean anchor;

    Source(String label, boolean anchor) {
      this.label = label;
      this.anchor = anchor;
    }

    /** For people. */
    public String label() {
      return label;
    }

    /** Whether a chain may end here. */
    public boolean anchor() {
      return anchor;
    }
  }
}
