package dev.trustbundle.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The body time rule both transports share, computed without a clock. */
class TransportTest {
  static final long S = TimeUnit.SECONDS.toNanos(1);
  static final long WINDOW = 60 * S;

  /**
   * Whether a body arriving steadily at {@code bytesPerSecond} is still allowed after {@code t}.
   */
  static boolean stillAllowed(long bytesPerSecond, long seconds) {
    long start = 1_000 * S;
    long deadline = Transport.bodyDeadline(start, start + WINDOW, WINDOW, bytesPerSecond * seconds);
    return deadline - (start + seconds * S) > 0;
  }

  @Test
  void aBodyThatDripsJustAboveTheMinimumRateIsCutOffAtTheCap() {
    // 9 KiB/s earns 1.125 s per second: without a cap it would never run out.
    assertThat(stillAllowed(9 * 1024, 10 * 60)).isTrue();
    assertThat(stillAllowed(9 * 1024, 15 * 60 - 1)).isTrue();
    assertThat(stillAllowed(9 * 1024, 15 * 60 + 1)).isFalse();
    assertThat(stillAllowed(1 << 20, 15 * 60 + 1)).as("even at 1 MiB/s").isFalse();
  }

  @Test
  void aBodySlowerThanTheMinimumRateIsCutOffOnceTheWindowIsSpent() {
    assertThat(stillAllowed(4 * 1024, 100)).isTrue();
    assertThat(stillAllowed(4 * 1024, 121)).isFalse();
    assertThat(stillAllowed(0, 61)).isFalse();
  }

  @Test
  void aRequestTimeoutLongerThanTheCapIsHonoured() {
    long start = 0;
    long window = 30 * 60 * S;
    assertThat(Transport.bodyDeadline(start, start + window, window, Long.MAX_VALUE))
        .isEqualTo(window);
    assertThat(Transport.bodyDeadline(start, start + WINDOW, WINDOW, 0)).isEqualTo(WINDOW);
  }
}
