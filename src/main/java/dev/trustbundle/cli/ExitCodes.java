package dev.trustbundle.cli;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.report.FileReport;

/** The one place where failures become exit codes; documented in --help and the README. */
public final class ExitCodes {
  /** Everything verified. */
  public static final int OK = 0;

  /** A signature, chain, pin or integrity check failed. */
  public static final int INVALID = 1;

  /** A wrong flag or flag value, or a named file that cannot be read. */
  public static final int USAGE = 2;

  /** Input that cannot be parsed: truncated, corrupt, wrong format or over a size limit. */
  public static final int MALFORMED = 3;

  /** A download failed after its retries, or the mirror a probe names cannot be reached. */
  public static final int NETWORK = 4;

  /**
   * {@code check}: the chain builds (or nothing has expired) but a certificate or CRL expires
   * within the warning window.
   */
  public static final int EXPIRING = 5;

  /** An unexpected internal error (a bug): run again with --verbose and report it. */
  public static final int INTERNAL = 70;

  /** The exit code section of every command's --help. */
  static final java.util.Map<String, String> HELP = helpLines();

  private static java.util.Map<String, String> helpLines() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(" 0", "success: everything verified");
    m.put(
        " 1",
        "a check failed: signature, chain, pin, integrity, missing upstream, rollback, expiry");
    m.put(
        " 2", "usage: wrong flag or value, unreadable file, wrong passphrase or key, locked state");
    m.put(" 3", "malformed input: truncated, corrupt, wrong format, over a size limit");
    m.put(" 4", "network failure after retries (build); mirror unreachable (probe)");
    m.put(" 5", "check: the chain builds, but a certificate or CRL expires within --warn-days");
    m.put("70", "internal error: a bug; rerun with --verbose and report it");
    return java.util.Collections.unmodifiableMap(m);
  }

  private ExitCodes() {}

  /** The exit code for an exception. */
  public static int of(Throwable e) {
    if (e instanceof dev.trustbundle.error.NetworkException) {
      return NETWORK;
    }
    if (e instanceof UsageException) {
      return USAGE;
    }
    if (e instanceof MalformedInputException) {
      return MALFORMED;
    }
    if (e instanceof VerificationException) {
      return INVALID;
    }
    return INTERNAL;
  }

  /** The exit code for a file's verdict. */
  public static int of(FileReport.Status status) {
    return switch (status) {
      case VALID -> OK;
      case INVALID -> INVALID;
      case UNREADABLE -> USAGE;
      case MALFORMED -> MALFORMED;
    };
  }
}
