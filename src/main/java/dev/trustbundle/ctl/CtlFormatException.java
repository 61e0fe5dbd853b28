package dev.trustbundle.ctl;

import dev.trustbundle.error.MalformedInputException;

/** A trust list, serialized store or certificate that cannot be parsed. */
public final class CtlFormatException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public CtlFormatException(String message) {
    super(message);
  }

  public CtlFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
