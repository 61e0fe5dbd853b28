package dev.trustbundle.verify;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One thing chain checking found.
 *
 * @param severity how much it matters
 * @param code a stable identifier for scripts ({@code expired}, {@code root-disabled}, ...)
 * @param index the position in the chain of the certificate it concerns (0 = leaf), if one
 * @param message one line for people: what and, where it helps, what to do
 */
public record Finding(Severity severity, String code, OptionalInt index, String message) {
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(message, "message");
  }

  /** How much a finding matters. */
  public enum Severity {
    /** The chain would not be trusted for the purpose checked. */
    ERROR,
    /** Trusted now, but not for long: something expires within the warning window. */
    WARNING,
    /** Worth knowing; changes nothing. */
    NOTE
  }

  static Finding error(String code, int index, String message) {
    return new Finding(Severity.ERROR, code, OptionalInt.of(index), message);
  }

  static Finding warning(String code, int index, String message) {
    return new Finding(Severity.WARNING, code, OptionalInt.of(index), message);
  }

  static Finding note(String code, int index, String message) {
    return new Finding(Severity.NOTE, code, OptionalInt.of(index), message);
  }
}
