package dev.trustbundle.verify;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of list verification.
 *
 * @param maxAge a list older than this (from thisUpdate to the evaluation time) gets a warning
 * @param futureSkew a thisUpdate later than the evaluation time by more than this is an error
 * @param allowSha1 whether SHA-1 signed lists (before 2020) verify, with a warning
 */
public record VerifyOptions(Duration maxAge, Duration futureSkew, boolean allowSha1) {
  /** 365 days, 10 minutes, SHA-1 allowed with a warning. */
  public static final VerifyOptions DEFAULT =
      new VerifyOptions(Duration.ofDays(365), Duration.ofMinutes(10), true);

  public VerifyOptions {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(futureSkew, "futureSkew");
    if (maxAge.isNegative() || futureSkew.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }
}
