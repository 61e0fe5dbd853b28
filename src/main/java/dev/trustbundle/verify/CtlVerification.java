package dev.trustbundle.verify;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying one signed list.
 *
 * @param valid true when no failure was found
 * @param signer the signer's subject, when the signer certificate was found
 * @param chain subjects from the signer to the anchor, as far as the chain was built
 * @param anchor the name of the pinned root the chain ends at
 * @param warnings conditions worth an administrator's attention that do not invalidate the list
 * @param failures why the list is not valid; empty when it is
 */
public record CtlVerification(
    boolean valid,
    Optional<String> signer,
    List<String> chain,
    Optional<String> anchor,
    List<String> warnings,
    List<String> failures) {
  public CtlVerification {
    chain = List.copyOf(chain);
    warnings = List.copyOf(warnings);
    failures = List.copyOf(failures);
    if (valid != failures.isEmpty()) {
      throw new IllegalArgumentException("valid must mean no failures");
    }
  }
}
