package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path dir;

  @Test
  void readsTheFirstLineOfAPassphraseFile() throws Exception {
    Path p = Files.writeString(dir.resolve("pass"), "s3cret\r\nsecond line\n");
    assertThat(Secrets.resolve("file:" + p, "--pass")).containsExactly("s3cret".toCharArray());
    Path edge = Files.writeString(dir.resolve("edge"), "p".repeat(Secrets.MAX_BYTES) + "\n");
    assertThat(Secrets.resolve("file:" + edge, "--pass")).hasSize(Secrets.MAX_BYTES);
  }

  @Test
  void refusesAPassphraseFileWithoutALineEndWithinTheBound() throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[8 << 20]);
    assertThatThrownBy(() -> Secrets.resolve("file:" + big, "--sign-pass"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "--sign-pass file:" + big + ": the passphrase is longer than 4096 bytes; refused");
  }

  @Test
  void readsOnlyABoundedPrefixOfAnEndlessDevice() {
    Path zero = Path.of("/dev/zero");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero));
    assertThatThrownBy(() -> Secrets.resolve("file:/dev/zero", "--tls-pass"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("longer than 4096 bytes");
  }

  @Test
  void refusesAFirstLineThatIsNotUtf8() throws Exception {
    Path p =
        Files.write(dir.resolve("latin1"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Secrets.resolve("file:" + p, "--pass"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not UTF-8");
  }
}
