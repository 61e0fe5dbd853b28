package dev.trustbundle.error;

/**
 * Base of every expected failure. Messages are one line, say what is wrong, where, and what to do;
 * they are shown to administrators as they are.
 */
public abstract class TrustBundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected TrustBundleException(String message) {
    super(message);
  }

  protected TrustBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
