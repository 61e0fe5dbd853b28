package dev.trustbundle.cab;

import dev.trustbundle.error.MalformedInputException;

/** A cabinet that is truncated, corrupt, over a limit or uses a compression we do not read. */
public final class CabFormatException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public CabFormatException(String message) {
    super(message);
  }
}
