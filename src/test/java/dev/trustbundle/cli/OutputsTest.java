package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputsTest {
  @TempDir Path dir;

  private Path fifo() throws Exception {
    Path p = dir.resolve("node");
    Process mk;
    try {
      mk = new ProcessBuilder("mkfifo", p.toString()).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("mkfifo is not available");
      throw e;
    }
    Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed");
    return p;
  }

  @Test
  void refusesToReplaceANodeThatIsNotARegularFile() throws Exception {
    Path node = fifo();
    assertThatThrownBy(() -> Outputs.requireFileTarget(node, "--out"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "--out "
                + node
                + " exists and is not a regular file (a device, FIFO or socket); give a new file"
                + " name or a regular file to replace");
    assertThatThrownBy(() -> Outputs.atomicWrite(node, o -> o.write(1), false))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("is not a regular file");
    assertThat(Files.isRegularFile(node, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(node, LinkOption.NOFOLLOW_LINKS))
        .as("the node is still there")
        .isTrue();
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).as("no temporary file is left").containsExactly(node);
    }
  }

  @Test
  void refusesToReplaceASymbolicLink() throws Exception {
    Path real = Files.writeString(dir.resolve("real.html"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("link.html"), real);
    assertThatThrownBy(() -> Outputs.atomicWrite(link, o -> o.write(1), false))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("a symbolic link");
    assertThat(Files.readString(real)).isEqualTo("keep");
  }

  @Test
  void writesNewNamesAndReplacesRegularFiles() throws Exception {
    Path p = dir.resolve("out.html");
    Outputs.requireFileTarget(p, "--html");
    Outputs.atomicWrite(p, o -> o.write("one".getBytes(StandardCharsets.UTF_8)), false);
    Outputs.requireFileTarget(p, "--html");
    Outputs.atomicWrite(p, o -> o.write("two".getBytes(StandardCharsets.UTF_8)), false);
    assertThat(Files.readString(p)).isEqualTo("two");
  }
}
