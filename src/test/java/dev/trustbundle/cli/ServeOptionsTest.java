package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.serve.MirrorServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's options for connection caps and the scrub (issue 11, findings 1 and 9). */
class ServeOptionsTest {
  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new String[] {String.valueOf(rc), out.toString(), err.toString()};
  }

  @Test
  void helpDocumentsTheCapsAndTheScrubWithTheirDefaults() {
    String help = run("serve", "--help")[1];
    assertThat(help)
        .contains("--max-connections=N")
        .contains("--max-connections-per-client=N")
        .contains("--scrub-interval=DURATION")
        .contains("default: " + MirrorServer.DEFAULT_MAX_CONNECTIONS)
        .contains("default: " + MirrorServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)
        .contains("default: 1h");
  }

  @Test
  void capsOutOfRangeAreUsageErrors(@TempDir Path state) throws Exception {
    Files.createDirectories(state);
    String[] r =
        run(
            "serve",
            "--state",
            state.toString(),
            "--http",
            "127.0.0.1:0",
            "--max-connections",
            "10",
            "--max-connections-per-client",
            "11");
    assertThat(r[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
    assertThat(r[2]).contains("--max-connections-per-client must be 1 to --max-connections");
    r = run("serve", "--state", state.toString(), "--scrub-interval", "soon");
    assertThat(r[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
    assertThat(r[2]).contains("--scrub-interval soon is not a duration");
  }

  @Test
  void durationsReadAsAdministratorsWriteThem() {
    assertThat(ServeCommand.duration("0", "--scrub-interval")).isEqualTo(Duration.ZERO);
    assertThat(ServeCommand.duration("90s", "--scrub-interval")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ServeCommand.duration("30m", "--scrub-interval")).isEqualTo(Duration.ofMinutes(30));
    assertThat(ServeCommand.duration("6h", "--scrub-interval")).isEqualTo(Duration.ofHours(6));
    assertThat(ServeCommand.duration("1d", "--scrub-interval")).isEqualTo(Duration.ofDays(1));
    assertThat(ServeCommand.duration("PT2H", "--scrub-interval")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> ServeCommand.duration("10", "--scrub-interval"))
        .isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> ServeCommand.duration("-PT1H", "--scrub-interval"))
        .isInstanceOf(UsageException.class);
  }

  @Test
  void theLaunchersDefaultHeapHoldsTheDefaultCaps() throws Exception {
    String launcher = Files.readString(Path.of("scripts/trustbundle"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("serve.*\\n(?:.*\\n)*?.*-Xmx(\\d+)m").matcher(launcher);
    assertThat(m.find()).isTrue();
    long xmx = Long.parseLong(m.group(1)) << 20;
    assertThat(xmx)
        .isGreaterThanOrEqualTo(MirrorServer.heapNeeded(MirrorServer.DEFAULT_MAX_CONNECTIONS));
    for (String f :
        new String[] {
          "scripts/trustbundle",
          "scripts/systemd/trustbundle-serve.service",
          "scripts/windows/trustbundle-serve.xml"
        }) {
      assertThat(Files.readString(Path.of(f))).as(f).contains("-XX:+ExitOnOutOfMemoryError");
    }
    assertThat(Files.readString(Path.of("scripts/systemd/trustbundle-serve.service")))
        .contains("Restart=on-failure");
    assertThat(Files.readString(Path.of("scripts/windows/trustbundle-serve.xml")))
        .contains("<onfailure action=\"restart\"");
  }
}
