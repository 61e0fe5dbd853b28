package dev.trustbundle.error;

/** Input that cannot be parsed: truncated, corrupt, of the wrong format, or over a size limit. */
public class MalformedInputException extends TrustBundleException {
  private static final long serialVersionUID = 1L;

  public MalformedInputException(String message) {
    super(message);
  }

  public MalformedInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
