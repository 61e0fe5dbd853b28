package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.ctl.SstElement;
import dev.trustbundle.ctl.SstReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link SstReader}: a serialized store either reads (a bad certificate is reported on its
 * element) or is refused with {@link CtlFormatException}; nothing else escapes.
 */
class SstFuzzTest {
  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  void sstReader(byte[] data) {
    List<SstElement> elements;
    try {
      elements = SstReader.read(data);
    } catch (CtlFormatException refused) {
      return;
    }
    for (SstElement e : elements) {
      // A certificate element has either a parsed certificate or a problem saying why not.
      if (e.type() == SstElement.Type.CERTIFICATE && e.certificate().isEmpty()) {
        assertThat(e.problem()).isPresent();
      }
    }
  }
}
