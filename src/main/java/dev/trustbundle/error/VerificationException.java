package dev.trustbundle.error;

/** Input that parses but fails a signature, chain, pin or integrity check. */
public class VerificationException extends TrustBundleException {
  private static final long serialVersionUID = 1L;

  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
