package dev.trustbundle.error;

/** A wrong flag, a flag value that cannot be used, or a named file that cannot be read. */
public class UsageException extends TrustBundleException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
