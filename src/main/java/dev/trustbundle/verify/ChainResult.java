package dev.trustbundle.verify;

import dev.trustbundle.ctl.CtlEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * The outcome of building one chain against a bundle.
 *
 * @param eku the extended key usage checked (an OID)
 * @param at the evaluation time
 * @param warnWindow how far ahead an expiry is a warning
 * @param built whether the chain reached a root of the bundle
 * @param chain the chain built, leaf first; when it did not build, as far as it got
 * @param missing what stopped it, when it did not build
 * @param findings everything found on the chain, errors first
 */
public record ChainResult(
    String eku,
    Instant at,
    Duration warnWindow,
    boolean built,
    List<Link> chain,
    Optional<Missing> missing,
    List<Finding> findings) {
  public ChainResult {
    Objects.requireNonNull(eku, "eku");
    Objects.requireNonNull(at, "at");
    chain = List.copyOf(chain);
    findings = List.copyOf(findings);
    if (built == missing.isPresent()) {
      throw new IllegalArgumentException("a chain is either built or missing something");
    }
  }

  /**
   * One certificate of the chain.
   *
   * @param candidate the certificate and where it came from
   * @param ctlEntry its authroot entry, for a root of the list
   */
  public record Link(ChainCandidate candidate, Optional<CtlEntry> ctlEntry) {}

  /** What is missing. */
  public enum Kind {
    /** The issuer is neither in the bundle nor a root of Microsoft's list: an intermediate. */
    ISSUER,
    /** The issuer (or the self-signed end of the chain) is a root of the list the bundle lacks. */
    CTL_ROOT,
    /** The chain ends at a self-signed root that neither the bundle nor the list trusts. */
    UNTRUSTED_ROOT,
    /** No root within the depth limit. */
    TOO_LONG
  }

  /**
   * Why the chain stops.
   *
   * @param kind what kind of certificate is missing
   * @param index the position of the last certificate the chain reached
   * @param issuer the missing certificate's subject (the last certificate's issuer), or for an
   *     untrusted root its own subject
   * @param keyId the missing certificate's key identifier (the last certificate's authority key
   *     identifier), upper-case hex
   * @param caIssuers where the last certificate says its issuer can be downloaded (AIA)
   * @param ctlRoot the list's entry for the missing root, when it is one
   * @param nearMisses bundle certificates with the right name that could not be used, and why
   */
  public record Missing(
      Kind kind,
      int index,
      X500Principal issuer,
      Optional<String> keyId,
      List<String> caIssuers,
      Optional<CtlEntry> ctlRoot,
      List<String> nearMisses) {
    public Missing {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(issuer, "issuer");
      caIssuers = List.copyOf(caIssuers);
      nearMisses = List.copyOf(nearMisses);
    }
  }

  /** The overall answer. */
  public enum Verdict {
    /** Builds, and nothing expires within the window. */
    OK,
    /** Builds, but something expires within the window. */
    EXPIRING,
    /** Does not build, or a certificate is expired, disallowed or not trusted for the EKU. */
    FAIL
  }

  /** The verdict: FAIL on any error or no chain, EXPIRING on any warning, else OK. */
  public Verdict verdict() {
    if (!built || has(Finding.Severity.ERROR)) {
      return Verdict.FAIL;
    }
    return has(Finding.Severity.WARNING) ? Verdict.EXPIRING : Verdict.OK;
  }

  private boolean has(Finding.Severity s) {
    return findings.stream().anyMatch(f -> f.severity() == s);
  }
}
