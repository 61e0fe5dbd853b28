package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.upstream.HttpParsing;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the plain-http client's response parser (status line, headers, Content-Length, chunked and
 * close-delimited bodies) with what a hostile upstream could send: an answer either parses or is
 * refused with an {@link IOException}; a parsed body never exceeds the limit by more than the one
 * byte that tells the caller "too large", and only a 200 carries one.
 */
class HttpFuzzTest {
  static final long LIMIT = 4096;

  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  void responseParser(byte[] data) {
    HttpParsing.Parsed p;
    try {
      p = HttpParsing.read(data, LIMIT);
    } catch (IOException refused) {
      return;
    }
    assertThat(p.status()).isBetween(200, 999);
    assertThat((long) p.body().length).isLessThanOrEqualTo(LIMIT);
    if (p.status() != 200 || p.tooLarge()) {
      assertThat(p.body()).isEmpty();
    }
    if (p.keepAlive()) {
      assertThat(p.truncated()).isFalse();
      assertThat(p.tooLarge()).isFalse();
    }
    assertThat(p.truncated() && p.tooLarge()).isFalse();
  }
}
