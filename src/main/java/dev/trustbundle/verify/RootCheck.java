package dev.trustbundle.verify;

import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a root certificate file against the authroot list (reference 4.1 step 8): the SHA-1 of the
 * DER bytes must equal the entry identifier and the file name, and the SHA-256 must equal attribute
 * 98 where the entry carries it. {@code .crt} files are unsigned and travel over plain HTTP, so
 * this is their only integrity check.
 */
public final class RootCheck {
  private RootCheck() {}

  /**
   * The problems found, empty when the file is the root the list names.
   *
   * @param fileName the file's name ({@code <SHA1>.crt}), or empty when it has no meaningful name
   * @param der the file's bytes
   * @param authroot the authroot list
   */
  public static List<String> check(Optional<String> fileName, byte[] der, Ctl authroot) {
    List<String> problems = new ArrayList<>();
    checkName(fileName, der).ifPresent(problems::add);
    String sha1 = Hex.sha1(der);
    Optional<CtlEntry> entry = authroot.entry(sha1);
    if (entry.isEmpty()) {
      problems.add(
          "SHA-1 "
              + sha1
              + " is not listed in the authroot list"
              + authroot.sequenceNumber().map(s -> " " + s.hex()).orElse(""));
      return problems;
    }
    String sha256 = Hex.sha256(der);
    entry
        .get()
        .sha256Hex()
        .filter(expected -> !expected.equals(sha256))
        .ifPresent(
            expected ->
                problems.add(
                    "SHA-256 "
                        + sha256
                        + " differs from the list's attribute 98 for "
                        + sha1
                        + " ("
                        + expected
                        + ")"));
    return problems;
  }

  /**
   * The problem with a {@code <SHA1>.crt} name that does not match the file's SHA-1; empty when the
   * name matches or is not a thumbprint.
   */
  public static Optional<String> checkName(Optional<String> fileName, byte[] der) {
    String sha1 = Hex.sha1(der);
    return fileName
        .map(n -> n.replaceFirst("(?i)\\.(crt|cer)$", ""))
        .filter(base -> Hex.isHex(base, 40))
        .filter(base -> !base.toUpperCase(Locale.ROOT).equals(sha1))
        .map(
            base ->
                "the file is named "
                    + fileName.get()
                    + " but its SHA-1 is "
                    + sha1
                    + ": it is not the certificate its name promises");
  }
}
