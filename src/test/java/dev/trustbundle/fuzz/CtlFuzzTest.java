package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.VerifyOptions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link CtlParser} and then {@link CtlVerifier} (fixed clock, a test root pinned as the
 * trust anchor): parsing either succeeds or throws {@link CtlFormatException}; verification of
 * whatever parsed returns a verdict and never throws. The seeds are signed lists of a test PKI
 * whose keys are the same in every JVM, so the unmutated seeds verify all the way to the pinned
 * root.
 */
class CtlFuzzTest {
  private static final CtlVerifier VERIFIER =
      new CtlVerifier(FuzzSeeds.anchors(), FuzzSeeds.anchorSource(), VerifyOptions.DEFAULT);

  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  void ctlParserAndVerifier(byte[] data) {
    SignedCtl list;
    try {
      list = CtlParser.parse(data);
    } catch (CtlFormatException refused) {
      return;
    }
    CtlVerification v = VERIFIER.verify(list, Optional.of(CtlKind.AUTHROOT), FuzzSeeds.NOW);
    assertThat(v.valid()).isEqualTo(v.failures().isEmpty());
  }
}
