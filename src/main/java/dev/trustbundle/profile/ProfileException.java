package dev.trustbundle.profile;

import dev.trustbundle.error.UsageException;

/** A profile that cannot be used: bad YAML, an unknown key, a missing or contradictory field. */
public final class ProfileException extends UsageException {
  private static final long serialVersionUID = 1L;

  public ProfileException(String message) {
    super(message);
  }
}
