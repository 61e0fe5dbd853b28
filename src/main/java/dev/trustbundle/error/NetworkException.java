package dev.trustbundle.error;

/** A download that failed after its retries: unreachable host, repeated 5xx, cut connections. */
public class NetworkException extends TrustBundleException {
  private static final long serialVersionUID = 1L;

  public NetworkException(String message) {
    super(message);
  }

  public NetworkException(String message, Throwable cause) {
    super(message, cause);
  }
}
