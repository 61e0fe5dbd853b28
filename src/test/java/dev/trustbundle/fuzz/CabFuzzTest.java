package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.cab.CabEntry;
import dev.trustbundle.cab.CabFormatException;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.cab.Cabinet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link CabReader} over arbitrary bytes: every input either reads as a cabinet or is
 * refused with a {@link CabFormatException}; no other exception, no hang. Seeds (uncompressed and
 * MSZIP cabinets without CFDATA checksums, so that mutations reach the decoder) are in {@code
 * CabFuzzTestInputs/}, written by {@link FuzzSeeds}.
 */
class CabFuzzTest {
  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  void cabReader(byte[] data) {
    Cabinet cab;
    try {
      cab = CabReader.read(data);
    } catch (CabFormatException refused) {
      return;
    }
    long total = 0;
    for (CabEntry e : cab.entries()) {
      total += e.data().length;
    }
    assertThat(total).isLessThanOrEqualTo(64L << 20);
  }
}
